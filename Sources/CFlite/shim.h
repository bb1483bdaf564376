#ifndef RINGSIDE_CFLITE_SHIM_H
#define RINGSIDE_CFLITE_SHIM_H
#include <flite/flite.h>

/* No Debian header declares the voice registration functions. */
cst_voice *register_cmu_us_slt(const char *voxdir);
cst_voice *register_cmu_us_rms(const char *voxdir);
cst_voice *register_cmu_us_awb(const char *voxdir);
cst_voice *register_cmu_us_kal(const char *voxdir);
#endif
