#ifndef RINGSIDE_CPOCKETSPHINX_SHIM_H
#define RINGSIDE_CPOCKETSPHINX_SHIM_H
#include <pocketsphinx.h>
#include <sphinxbase/err.h>
#include <sphinxbase/cmd_ln.h>
#include <sphinxbase/ngram_model.h>
#include <sphinxbase/logmath.h>

/* cmd_ln_init is variadic: build the configuration from an argv array instead. */
static inline cmd_ln_t *rs_ps_config_from_argv(int argc, char **argv) {
    return cmd_ln_parse_r(NULL, ps_args(), argc, argv, FALSE);
}
static inline void rs_ps_silence_logs(void) { err_set_logfp(NULL); }

/* Reads an ARPA language model with the decoder's log-math, so it can join a model set. */
static inline ngram_model_t *rs_ps_read_arpa(ps_decoder_t *ps, const char *path) {
    return ngram_model_read(ps_get_config(ps), path, NGRAM_ARPA, ps_get_logmath(ps));
}

/* Interpolates `n` models (each already retained for the set, which takes ownership). */
static inline ngram_model_t *rs_ps_interpolate(ps_decoder_t *ps, ngram_model_t **models,
                                               const char **names, const float *weights, int n) {
    return ngram_model_set_init(ps_get_config(ps), models, (char **)names, (const float32 *)weights, n);
}

/* Probability (0…1) from a log-math posterior such as ps_get_prob's. */
static inline double rs_ps_posterior(ps_decoder_t *ps, int32 logprob) {
    return logmath_exp(ps_get_logmath(ps), logprob);
}

/* The frame rate of the decoder's front end (frames per second, 100 by default). */
static inline int rs_ps_frame_rate(ps_decoder_t *ps) {
    return (int)cmd_ln_int32_r(ps_get_config(ps), "-frate");
}
#endif
