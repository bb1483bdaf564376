#ifndef RINGSIDE_CPULSE_SHIM_H
#define RINGSIDE_CPULSE_SHIM_H
#include <pulse/pulseaudio.h>
#include <pulse/simple.h>
#include <pulse/error.h>

/* PA_STREAM_* / PA_CONTEXT_* state checks are macros. */
static inline int rs_pa_context_is_good(pa_context_state_t s) { return PA_CONTEXT_IS_GOOD(s); }
static inline int rs_pa_stream_is_good(pa_stream_state_t s) { return PA_STREAM_IS_GOOD(s); }
static inline pa_sample_format_t rs_pa_sample_s16le(void) { return PA_SAMPLE_S16LE; }
#endif
