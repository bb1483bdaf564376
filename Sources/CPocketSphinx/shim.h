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

/* Interpolates `n` models; the set retains each model itself, the caller keeps its own references. */
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
#include <stdlib.h>
#include <string.h>
#include <sphinxbase/feat.h>
#include <sphinxbase/cmn.h>

/* A copy of the decoder's live cepstral-mean state. Live decoding carries the mean from one
 * utterance to the next; restoring a snapshot lets one decoder serve many calls, each starting
 * from the same state (so a reused decoder hears a call exactly as a fresh one would). */
typedef struct { mfcc_t *mean, *var, *sum; int32 nframe, veclen; } rs_ps_cmn_snapshot_t;

static inline mfcc_t *rs_ps_copy_vec(const mfcc_t *v, int32 n) {
    if (!v) return NULL;
    mfcc_t *c = (mfcc_t *)malloc(sizeof(mfcc_t) * (size_t)n);
    if (c) memcpy(c, v, sizeof(mfcc_t) * (size_t)n);
    return c;
}

static inline void *rs_ps_cmn_save(ps_decoder_t *ps) {
    feat_t *f = ps_get_feat(ps);
    if (!f || !f->cmn_struct) return NULL;
    cmn_t *c = f->cmn_struct;
    rs_ps_cmn_snapshot_t *s = (rs_ps_cmn_snapshot_t *)calloc(1, sizeof(rs_ps_cmn_snapshot_t));
    if (!s) return NULL;
    s->veclen = c->veclen;
    s->nframe = c->nframe;
    s->mean = rs_ps_copy_vec(c->cmn_mean, c->veclen);
    s->var = rs_ps_copy_vec(c->cmn_var, c->veclen);
    s->sum = rs_ps_copy_vec(c->sum, c->veclen);
    return s;
}

static inline void rs_ps_cmn_restore(ps_decoder_t *ps, void *snapshot) {
    feat_t *f = ps_get_feat(ps);
    rs_ps_cmn_snapshot_t *s = (rs_ps_cmn_snapshot_t *)snapshot;
    if (!f || !f->cmn_struct || !s || f->cmn_struct->veclen != s->veclen) return;
    cmn_t *c = f->cmn_struct;
    size_t bytes = sizeof(mfcc_t) * (size_t)s->veclen;
    if (s->mean && c->cmn_mean) memcpy(c->cmn_mean, s->mean, bytes);
    if (s->var && c->cmn_var) memcpy(c->cmn_var, s->var, bytes);
    if (s->sum && c->sum) memcpy(c->sum, s->sum, bytes);
    c->nframe = s->nframe;
}

static inline void rs_ps_cmn_free(void *snapshot) {
    rs_ps_cmn_snapshot_t *s = (rs_ps_cmn_snapshot_t *)snapshot;
    if (!s) return;
    free(s->mean); free(s->var); free(s->sum); free(s);
}
#endif
