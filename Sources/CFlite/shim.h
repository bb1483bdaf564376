#ifndef RINGSIDE_CFLITE_SHIM_H
#define RINGSIDE_CFLITE_SHIM_H
#include <string.h>
#include <flite/flite.h>
#include <flite/cst_audio.h>
#include <flite/cst_lexicon.h>

/* No Debian header declares the voice registration functions. */
cst_voice *register_cmu_us_slt(const char *voxdir);
cst_voice *register_cmu_us_rms(const char *voxdir);
cst_voice *register_cmu_us_awb(const char *voxdir);
cst_voice *register_cmu_us_kal(const char *voxdir);
/* The CMU lexicon with its letter-to-sound rules (libflite_cmulex); no header declares it either. */
cst_lexicon *cmu_lex_init(void);

/* Installs a streaming callback on a voice: flite calls `callback` with each chunk of at least
   `min_samples` samples while it synthesises. The info object is owned by the voice's features. */
static inline void rs_flite_set_streaming(cst_voice *voice, cst_audio_stream_callback callback,
                                          void *userdata, int min_samples) {
    cst_audio_streaming_info *asi = new_audio_streaming_info();
    asi->min_buffsize = min_samples;
    asi->asc = callback;
    asi->userdata = userdata;
    feat_set(voice->features, "streaming_info", audio_streaming_info_val(asi));
}
static inline void rs_flite_clear_streaming(cst_voice *voice) {
    feat_remove(voice->features, "streaming_info");
}
/* Speaking rate: flite stretches durations, so rate 2.0 is a stretch of 0.5. */
static inline void rs_flite_set_duration_stretch(cst_voice *voice, float stretch) {
    feat_set_float(voice->features, "duration_stretch", stretch);
}
/* Phones for a word from the CMU lexicon (dictionary or letter-to-sound), space separated,
   written into `out`; returns the number of phones. Stress digits are kept (e.g. "ey1"). */
static inline int rs_flite_lex_phones(cst_lexicon *lex, const char *word, char *out, int outlen) {
    cst_val *phones = lex_lookup(lex, word, NULL, NULL);
    const cst_val *p;
    int n = 0, used = 0;
    if (outlen > 0) out[0] = '\0';
    for (p = phones; p; p = val_cdr(p)) {
        const char *ph = val_string(val_car(p));
        int len = (int)strlen(ph);
        if (used + len + 2 >= outlen) break;
        if (n > 0) out[used++] = ' ';
        memcpy(out + used, ph, (size_t)len);
        used += len;
        out[used] = '\0';
        n++;
    }
    delete_val(phones);
    return n;
}
#endif
