#ifndef RINGSIDE_CSPEEXDSP_SHIM_H
#define RINGSIDE_CSPEEXDSP_SHIM_H
#include <speex/speex_resampler.h>
#include <speex/speex_preprocess.h>

/* speex_preprocess_ctl takes a void* argument per request; typed wrappers keep Swift simple. */
static inline int rs_speex_preprocess_set_denoise(SpeexPreprocessState *st, int on) { return speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_DENOISE, &on); }
static inline int rs_speex_preprocess_set_vad(SpeexPreprocessState *st, int on) { return speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_VAD, &on); }
static inline int rs_speex_preprocess_set_agc(SpeexPreprocessState *st, int on) { return speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_AGC, &on); }
static inline int rs_speex_preprocess_set_prob_start(SpeexPreprocessState *st, int pct) { return speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_PROB_START, &pct); }
static inline int rs_speex_preprocess_set_prob_continue(SpeexPreprocessState *st, int pct) { return speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_PROB_CONTINUE, &pct); }
static inline int rs_speex_preprocess_set_noise_suppress(SpeexPreprocessState *st, int db) { return speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_NOISE_SUPPRESS, &db); }
#endif
