#ifndef RINGSIDE_WHISPER_H
#define RINGSIDE_WHISPER_H
/* Ringside's narrow view of whisper.cpp: load a model once, decode utterances with a state each,
   abort a decode from another thread. whisper.h itself stays private to whisper_bridge.c, so Swift
   never depends on the layout of whisper.cpp's parameter structs. */
#include <stddef.h>

typedef struct rs_whisper_model rs_whisper_model;
typedef struct rs_whisper_state rs_whisper_state;
typedef struct rs_whisper_abort rs_whisper_abort;

/* 1 when this CPU has what the bundled ggml was built for (AVX, AVX2, FMA, F16C), else 0. */
int rs_whisper_cpu_supported(void);
/* The library's version string ("1.8.5"). */
const char *rs_whisper_version(void);
/* Path of the loaded libwhisper shared object (for finding the model installed beside it); NULL if unknown. */
const char *rs_whisper_library_path(void);

/* Loads a ggml model without a decoding state; NULL on failure (whisper.cpp's log is silenced). */
rs_whisper_model *rs_whisper_load(const char *path);
void rs_whisper_free(rs_whisper_model *model);
int rs_whisper_is_multilingual(rs_whisper_model *model);

rs_whisper_state *rs_whisper_state_new(rs_whisper_model *model);
void rs_whisper_state_free(rs_whisper_state *state);

rs_whisper_abort *rs_whisper_abort_new(void);
void rs_whisper_abort_set(rs_whisper_abort *flag);
int rs_whisper_abort_is_set(rs_whisper_abort *flag);
void rs_whisper_abort_free(rs_whisper_abort *flag);

typedef struct {
    int n_threads;
    int max_tokens;      /* per segment; 0 = no limit */
    int audio_ctx;       /* 0 = the model's (30 s) */
    const char *prompt;  /* initial prompt, may be NULL */
} rs_whisper_options;

typedef struct {
    int status;            /* 0 ok, 1 aborted, <0 whisper error */
    int n_tokens;          /* text tokens produced */
    float no_speech_prob;  /* highest over segments */
    float mean_token_p;    /* mean probability of the text tokens */
    float min_token_p;
} rs_whisper_outcome;

/* Decodes 16 kHz mono float samples; writes the text (UTF-8, NUL-terminated, truncated to cap) to out. */
rs_whisper_outcome rs_whisper_transcribe(rs_whisper_model *model, rs_whisper_state *state,
                                         const float *samples, int n_samples,
                                         const rs_whisper_options *options, rs_whisper_abort *abort_flag,
                                         char *out, size_t cap);
#endif
