#ifndef RINGSIDE_CESPEAKNG_SHIM_H
#define RINGSIDE_CESPEAKNG_SHIM_H
#include <espeak-ng/speak_lib.h>
#endif
