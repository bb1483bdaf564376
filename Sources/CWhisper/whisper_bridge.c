#define _GNU_SOURCE
#include "ringside_whisper.h"
#include <whisper.h>
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct rs_whisper_model { struct whisper_context *ctx; };
struct rs_whisper_state { struct whisper_state *state; };
struct rs_whisper_abort { atomic_int set; };

int rs_whisper_cpu_supported(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")
        && __builtin_cpu_supports("f16c");
#else
    return 1;
#endif
}

const char *rs_whisper_version(void) { return whisper_version(); }

const char *rs_whisper_library_path(void) {
    Dl_info info;
    if (dladdr((void *)&whisper_version, &info) && info.dli_fname) return info.dli_fname;
    return NULL;
}

static void rs_quiet(enum ggml_log_level level, const char *text, void *user) {
    (void)level; (void)text; (void)user;
}

rs_whisper_model *rs_whisper_load(const char *path) {
    whisper_log_set(rs_quiet, NULL);
    struct whisper_context_params cp = whisper_context_default_params();
    cp.use_gpu = false;
    cp.flash_attn = false;
    struct whisper_context *ctx = whisper_init_from_file_with_params_no_state(path, cp);
    if (!ctx) return NULL;
    rs_whisper_model *m = malloc(sizeof *m);
    if (!m) { whisper_free(ctx); return NULL; }
    m->ctx = ctx;
    return m;
}

void rs_whisper_free(rs_whisper_model *model) {
    if (!model) return;
    whisper_free(model->ctx);
    free(model);
}

int rs_whisper_is_multilingual(rs_whisper_model *model) { return whisper_is_multilingual(model->ctx); }

rs_whisper_state *rs_whisper_state_new(rs_whisper_model *model) {
    struct whisper_state *st = whisper_init_state(model->ctx);
    if (!st) return NULL;
    rs_whisper_state *s = malloc(sizeof *s);
    if (!s) { whisper_free_state(st); return NULL; }
    s->state = st;
    return s;
}

void rs_whisper_state_free(rs_whisper_state *state) {
    if (!state) return;
    whisper_free_state(state->state);
    free(state);
}

rs_whisper_abort *rs_whisper_abort_new(void) {
    rs_whisper_abort *f = malloc(sizeof *f);
    if (f) atomic_init(&f->set, 0);
    return f;
}
void rs_whisper_abort_set(rs_whisper_abort *flag) { atomic_store(&flag->set, 1); }
int rs_whisper_abort_is_set(rs_whisper_abort *flag) { return atomic_load(&flag->set); }
void rs_whisper_abort_free(rs_whisper_abort *flag) { free(flag); }

static bool rs_should_abort(void *user) {
    rs_whisper_abort *flag = user;
    return flag && atomic_load(&flag->set) != 0;
}

rs_whisper_outcome rs_whisper_transcribe(rs_whisper_model *model, rs_whisper_state *state,
                                         const float *samples, int n_samples,
                                         const rs_whisper_options *options, rs_whisper_abort *abort_flag,
                                         char *out, size_t cap) {
    rs_whisper_outcome o = { 0, 0, 0.0f, 0.0f, 1.0f };
    if (cap > 0) out[0] = '\0';
    struct whisper_full_params p = whisper_full_default_params(WHISPER_SAMPLING_GREEDY);
    p.n_threads = options->n_threads > 0 ? options->n_threads : 1;
    p.no_context = true;
    p.no_timestamps = true;
    p.single_segment = true;
    p.print_special = false;
    p.print_progress = false;
    p.print_realtime = false;
    p.print_timestamps = false;
    p.max_tokens = options->max_tokens;
    p.audio_ctx = options->audio_ctx;
    p.initial_prompt = options->prompt;
    p.language = "en";
    p.detect_language = false;
    p.suppress_blank = true;
    p.suppress_nst = true;
    p.temperature = 0.0f;
    p.temperature_inc = 0.0f;   /* no fallback: a deadline and the pocketsphinx final are ours */
    p.greedy.best_of = 1;
    p.abort_callback = rs_should_abort;
    p.abort_callback_user_data = abort_flag;
    int rc = whisper_full_with_state(model->ctx, state->state, p, samples, n_samples);
    if (abort_flag && atomic_load(&abort_flag->set)) { o.status = 1; return o; }
    if (rc != 0) { o.status = rc < 0 ? rc : -rc; return o; }
    size_t used = 0;
    double sum_p = 0;
    int eot = whisper_token_eot(model->ctx);
    int n_seg = whisper_full_n_segments_from_state(state->state);
    for (int i = 0; i < n_seg; i++) {
        float ns = whisper_full_get_segment_no_speech_prob_from_state(state->state, i);
        if (ns > o.no_speech_prob) o.no_speech_prob = ns;
        int n_tok = whisper_full_n_tokens_from_state(state->state, i);
        for (int t = 0; t < n_tok; t++) {
            whisper_token_data d = whisper_full_get_token_data_from_state(state->state, i, t);
            if (d.id >= eot) continue;  /* special and timestamp tokens */
            o.n_tokens++;
            sum_p += d.p;
            if (d.p < o.min_token_p) o.min_token_p = d.p;
        }
        const char *text = whisper_full_get_segment_text_from_state(state->state, i);
        size_t len = text ? strlen(text) : 0;
        if (cap > 0 && used + len + 1 < cap) {
            memcpy(out + used, text, len);
            used += len;
            out[used] = '\0';
        }
    }
    o.mean_token_p = o.n_tokens > 0 ? (float)(sum_p / o.n_tokens) : 0.0f;
    if (o.n_tokens == 0) o.min_token_p = 0.0f;
    return o;
}
