#ifndef RINGSIDE_CPOCKETSPHINX_SHIM_H
#define RINGSIDE_CPOCKETSPHINX_SHIM_H
#include <pocketsphinx.h>
#include <sphinxbase/err.h>
#include <sphinxbase/cmd_ln.h>

/* cmd_ln_init is variadic: build the configuration from an argv array instead. */
static inline cmd_ln_t *rs_ps_config_from_argv(int argc, char **argv) {
    return cmd_ln_parse_r(NULL, ps_args(), argc, argv, FALSE);
}
static inline void rs_ps_silence_logs(void) { err_set_logfp(NULL); }
#endif
