#ifndef RINGSIDE_CSOFIASIP_SHIM_H
#define RINGSIDE_CSOFIASIP_SHIM_H
/* sofia's su_configure.h defines _GNU_SOURCE; system headers must come first. */
#include <sys/select.h>
#include <sys/socket.h>
#include <netdb.h>
#include <pthread.h>
#include <sofia-sip/su.h>
#include <sofia-sip/su_wait.h>
#include <sofia-sip/su_tag.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/soa_tag.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/sofia_features.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/url.h>
#include <sofia-sip/su_log.h>
#include <sofia-sip/su_md5.h>
#include <sofia-sip/msg_addr.h>
#include <string.h>
#include <stdio.h>

/* Sofia's requests are variadic and compare tags by address, so every tag list is built here in C. */
static inline const char *rs_sofia_version(void) { return SOFIA_SIP_VERSION; }

/* Sofia logs to stderr by itself; keep it quiet unless its own *_DEBUG variables ask otherwise
   (su_log_soft_set_level yields to TPORT_DEBUG, NTA_DEBUG, NUA_DEBUG, SOFIA_DEBUG). */
extern su_log_t tport_log[], nta_log[], nua_log[];
static inline void rs_sofia_quiet_logs(void) {
    su_log_soft_set_level(su_log_default, 0);
    su_log_soft_set_level(tport_log, 0);
    su_log_soft_set_level(nta_log, 0);
    su_log_soft_set_level(nua_log, 0);
}

/* --- The stack ---------------------------------------------------------------------------- */

/* A nua bound to `url` (e.g. "sip:127.0.0.1:5062;transport=udp") with its own SDP handling off:
   Ringside writes and reads SDP bodies itself, so soa never rewrites addresses. */
static inline nua_t *rs_nua_create(su_root_t *root, const char *url, const char *user_agent, nua_callback_f callback, void *magic) {
    return nua_create(root, callback, magic,
                      NUTAG_URL(URL_STRING_MAKE(url)),
                      NUTAG_MEDIA_ENABLE(0),
                      /* Answer to the packet's source address, never to a Via host elsewhere. */
                      NTATAG_SERVER_RPORT(2),
                      SIPTAG_USER_AGENT_STR(user_agent),
                      NUTAG_ALLOW("INVITE, ACK, BYE, CANCEL, OPTIONS, REFER, NOTIFY, MESSAGE"),
                      /* A MESSAGE is answered by Ringside (rs_nua_respond_current), once its body is read. */
                      NUTAG_APPL_METHOD("MESSAGE"),
                      TAG_END());
}

/* Runs fn(context) on the root's own thread, from any thread: a message to the root's task
   (sofia's thread-safe mailbox). Returns 0 when queued. */
typedef void (*rs_root_function)(void *context);
struct rs_root_call { rs_root_function fn; void *context; };

static void rs_root_call_deliver(su_root_magic_t *magic, su_msg_r msg, su_msg_arg_t *arg) {
    (void)magic; (void)msg;
    struct rs_root_call *call = (struct rs_root_call *)arg;
    if (call && call->fn) call->fn(call->context);
}

static inline int rs_root_post(su_root_t *root, rs_root_function fn, void *context) {
    su_msg_r msg = SU_MSG_R_INIT;
    if (su_msg_create(msg, su_root_task(root), su_task_null, rs_root_call_deliver, sizeof(struct rs_root_call)) != 0) return -1;
    struct rs_root_call *call = (struct rs_root_call *)su_msg_data(msg);
    if (!call) { su_msg_destroy(msg); return -1; }
    call->fn = fn;
    call->context = context;
    return su_msg_send(msg);
}

/* --- Requests ----------------------------------------------------------------------------- */

/* `to` is a name-addr ("<sip:agent@host;transport=tcp>") so URI parameters stay in the URI. */
static inline nua_handle_t *rs_nua_handle_to(nua_t *nua, const char *to, void *hmagic) {
    return nua_handle(nua, hmagic, SIPTAG_TO_STR(to), TAG_END());
}

static inline void rs_nua_invite(nua_handle_t *nh, const char *sdp) {
    if (sdp && *sdp)
        nua_invite(nh, SIPTAG_CONTENT_TYPE_STR("application/sdp"), SIPTAG_PAYLOAD_STR(sdp), TAG_END());
    else
        nua_invite(nh, TAG_END());
}

/* An INVITE made to follow a REFER: nua reports its progress to the referrer in NOTIFYs (RFC 3515). */
/* `event` is the REFER's event as nua_i_refer gave it (NUTAG_REFER_EVENT, e.g. "refer;id=2"); nua copies the tags. */
static inline void rs_nua_invite_referred(nua_handle_t *nh, const char *sdp, nua_handle_t *referrer, const char *event) {
    su_home_t home[1] = { SU_HOME_INIT(home) };
    sip_event_t *ev = sip_event_make(home, event);
    nua_invite(nh, NUTAG_NOTIFY_REFER(referrer), NUTAG_REFER_EVENT(ev),
               SIPTAG_CONTENT_TYPE_STR("application/sdp"), SIPTAG_PAYLOAD_STR(sdp), TAG_END());
    su_home_deinit(home);
}

/* The event of an incoming REFER (NUTAG_REFER_EVENT of nua_i_refer) as text, "refer;id=2"; its length or -1. */
static inline int rs_refer_event(tagi_t const *tags, char *buf, int size) {
    sip_event_t const *ev = NULL;
    if (!tags || size <= 0) return -1;
    tl_gets(tags, NUTAG_REFER_EVENT_REF(ev), TAG_END());
    if (!ev || !ev->o_type) return -1;
    int n = snprintf(buf, (size_t)size, "%s", ev->o_type);
    for (msg_param_t const *p = ev->o_params; p && *p && n < size; p++) n += snprintf(buf + n, (size_t)(size - n), ";%s", *p);
    return n < size ? n : -1;
}

/* A cold transfer: asks the other side of the dialog to call `refer_to`. */
static inline void rs_nua_refer(nua_handle_t *nh, const char *refer_to) {
    nua_refer(nh, SIPTAG_REFER_TO_STR(refer_to), TAG_END());
}

/* A MESSAGE in the call's dialog (RFC 3428): `body` as `content_type`, e.g. the context a supervisor passes
   to an agent it hands a call back to. */
static inline void rs_nua_message(nua_handle_t *nh, const char *content_type, const char *body) {
    nua_message(nh, SIPTAG_CONTENT_TYPE_STR(content_type), SIPTAG_PAYLOAD_STR(body), TAG_END());
}

/* nua keeps the reason phrase by reference until the response goes out, after the caller's string is
   gone: a standard status takes sofia's own static phrase. */
static inline const char *rs_lasting_phrase(int status, const char *phrase) {
    const char *standard = sip_status_phrase(status);
    (void)phrase;
    return standard ? standard : (status < 200 ? "Progress" : status < 300 ? "OK" : "Rejected");
}

static inline void rs_nua_respond(nua_handle_t *nh, int status, const char *phrase, const char *sdp) {
    phrase = rs_lasting_phrase(status, phrase);
    if (sdp && *sdp)
        nua_respond(nh, status, phrase, SIPTAG_CONTENT_TYPE_STR("application/sdp"), SIPTAG_PAYLOAD_STR(sdp), TAG_END());
    else
        nua_respond(nh, status, phrase, TAG_END());
}

/* A response with extra header lines ("Retry-After: 5", "Warning: 302 host \"text\""), CRLF-separated, no trailing CRLF. */
static inline void rs_nua_respond_headers(nua_handle_t *nh, int status, const char *phrase, const char *headers) {
    phrase = rs_lasting_phrase(status, phrase);
    if (headers && *headers)
        nua_respond(nh, status, phrase, SIPTAG_HEADER_STR(headers), TAG_END());
    else
        nua_respond(nh, status, phrase, TAG_END());
}

/* Answers the request the current event is about (a MESSAGE, NUTAG_APPL_METHOD) from inside the callback,
   with extra header lines as rs_nua_respond_headers. */
static inline void rs_nua_respond_current(nua_t *nua, nua_handle_t *nh, int status, const char *headers) {
    const char *phrase = rs_lasting_phrase(status, NULL);
    if (headers && *headers)
        nua_respond(nh, status, phrase, NUTAG_WITH_THIS(nua), SIPTAG_HEADER_STR(headers), TAG_END());
    else
        nua_respond(nh, status, phrase, NUTAG_WITH_THIS(nua), TAG_END());
}

/* A final response carrying a digest challenge (401 with WWW-Authenticate). */
static inline void rs_nua_respond_challenge(nua_handle_t *nh, const char *www_authenticate) {
    nua_respond(nh, 401, "Unauthorized", SIPTAG_WWW_AUTHENTICATE_STR(www_authenticate), TAG_END());
}

static inline void rs_nua_bye(nua_handle_t *nh) { nua_bye(nh, TAG_END()); }
static inline void rs_nua_cancel(nua_handle_t *nh) { nua_cancel(nh, TAG_END()); }
static inline void rs_nua_options(nua_handle_t *nh) { nua_options(nh, TAG_END()); }

/* registrar: where REGISTER goes (NULL: the AOR's host); expires: seconds asked for (NULL: the registrar's default).
   nua refreshes the registration by itself before it expires (about half-way). */
static inline void rs_nua_register(nua_handle_t *nh, const char *contact_user, const char *registrar, const char *expires) {
    /* No outbound keep-alive OPTIONS or NAT probing: a plain RFC 3261 registration. */
    nua_register(nh, NUTAG_M_USERNAME(contact_user), NUTAG_OUTBOUND("no-options-keepalive no-validate no-natify"),
                 NUTAG_KEEPALIVE(0),
                 TAG_IF(registrar != NULL, NUTAG_REGISTRAR(URL_STRING_MAKE(registrar))),
                 TAG_IF(expires != NULL, SIPTAG_EXPIRES_STR(expires)),
                 TAG_END());
}

/* Who this agent is and where its requests go: From of every new handle, and an outbound proxy (either may be NULL). */
static inline void rs_nua_set_identity(nua_t *nua, const char *from, const char *proxy) {
    nua_set_params(nua, TAG_IF(from != NULL, SIPTAG_FROM_STR(from)),
                   TAG_IF(proxy != NULL, NUTAG_PROXY(URL_STRING_MAKE(proxy))), TAG_END());
}
static inline void rs_nua_unregister(nua_handle_t *nh) { nua_unregister(nh, TAG_END()); }

/* credentials: "Digest:\"realm\":user:password" */
static inline void rs_nua_authenticate(nua_handle_t *nh, const char *credentials) {
    nua_authenticate(nh, NUTAG_AUTH(credentials), TAG_END());
}

/* --- Reading events ----------------------------------------------------------------------- */

static inline int rs_callstate(tagi_t const *tags) {
    int state = -1;
    if (tags) tl_gets(tags, NUTAG_CALLSTATE_REF(state), TAG_END());
    return state;
}

/* The message body, or NULL; its length in *length. */
static inline const char *rs_sip_payload(sip_t const *sip, int *length) {
    *length = 0;
    if (!sip || !sip->sip_payload || !sip->sip_payload->pl_data) return NULL;
    *length = (int)sip->sip_payload->pl_len;
    return sip->sip_payload->pl_data;
}

static inline const char *rs_sip_call_id(sip_t const *sip) {
    return (sip && sip->sip_call_id) ? sip->sip_call_id->i_id : NULL;
}

/* Writes the From URI as text into buf; returns its length or -1. */
static inline int rs_sip_from_uri(sip_t const *sip, char *buf, int size) {
    if (!sip || !sip->sip_from || size <= 0) return -1;
    return (int)url_e(buf, size, sip->sip_from->a_url);
}

static inline int rs_sip_to_uri(sip_t const *sip, char *buf, int size) {
    if (!sip || !sip->sip_to || size <= 0) return -1;
    return (int)url_e(buf, size, sip->sip_to->a_url);
}

/* Text of the Reason header (e.g. Q.850 cause), or NULL. */
static inline const char *rs_sip_reason_text(sip_t const *sip) {
    return (sip && sip->sip_reason) ? sip->sip_reason->re_text : NULL;
}

static inline const char *rs_sip_server(sip_t const *sip) {
    if (sip && sip->sip_server) return sip->sip_server->g_string;
    if (sip && sip->sip_user_agent) return sip->sip_user_agent->g_string;
    return NULL;
}

/* The realm of a 401/407 challenge (quoted, as sent), or NULL. */
static inline const char *rs_sip_challenge_realm(sip_t const *sip) {
    msg_auth_t const *au = NULL;
    if (sip) au = sip->sip_www_authenticate ? sip->sip_www_authenticate : sip->sip_proxy_authenticate;
    if (!au || !au->au_params) return NULL;
    return msg_params_find(au->au_params, "realm=");
}

/* The numeric source address ("127.0.0.1", "::1") of the request being handled in the callback. */
static inline int rs_nua_request_source(nua_t *nua, char *buf, int size) {
    msg_t *msg = nua_current_request(nua);
    if (!msg || size <= 0) return -1;
    su_addrinfo_t *ai = msg_addrinfo(msg);
    if (!ai || !ai->ai_addr) return -1;
    if (getnameinfo(ai->ai_addr, (socklen_t)ai->ai_addrlen, buf, (socklen_t)size, NULL, 0, NI_NUMERICHOST) != 0) return -1;
    return (int)strlen(buf);
}

/* The body's Content-Type ("application/sdp"), or NULL when there is none. */
static inline const char *rs_sip_content_type(sip_t const *sip) {
    return (sip && sip->sip_content_type) ? sip->sip_content_type->c_type : NULL;
}

/* The Content-Type's parameters as text, ';'-joined ("charset=UTF-8"); its length, or -1. */
static inline int rs_sip_content_type_params(sip_t const *sip, char *buf, int size) {
    if (!sip || !sip->sip_content_type || size <= 0) return -1;
    int n = 0;
    buf[0] = 0;
    for (msg_param_t const *p = sip->sip_content_type->c_params; p && *p && n < size; p++)
        n += snprintf(buf + n, (size_t)(size - n), "%s%s", n > 0 ? ";" : "", *p);
    return n < size ? n : -1;
}

/* Whether the request's Accept allows an SDP answer: -1 no Accept header, 1 yes, 0 no. */
static inline int rs_sip_accepts_sdp(sip_t const *sip) {
    if (!sip || !sip->sip_accept) return -1;
    for (sip_accept_t const *a = sip->sip_accept; a; a = a->ac_next) {
        if (!a->ac_type) continue;
        if (su_casematch(a->ac_type, "application/sdp") || su_casematch(a->ac_type, "application/*") || su_casematch(a->ac_type, "*/*")) return 1;
    }
    return 0;
}

/* The transport of the topmost Via ("UDP", "TCP"), or NULL. */
static inline const char *rs_sip_via_transport(sip_t const *sip) {
    if (!sip || !sip->sip_via || !sip->sip_via->v_protocol) return NULL;
    const char *p = strrchr(sip->sip_via->v_protocol, '/');
    return p ? p + 1 : sip->sip_via->v_protocol;
}

/* The Authorization header: its scheme (or NULL), and its parameters ("name=value") one by one. */
static inline const char *rs_sip_authorization_scheme(sip_t const *sip) {
    return (sip && sip->sip_authorization) ? sip->sip_authorization->au_scheme : NULL;
}
static inline const char *rs_sip_authorization_param(sip_t const *sip, int index) {
    if (!sip || !sip->sip_authorization || !sip->sip_authorization->au_params || index < 0) return NULL;
    msg_param_t const *params = sip->sip_authorization->au_params;
    for (int i = 0; i < index; i++) if (!params[i]) return NULL;
    return params[index];
}

/* The Refer-To URI of a REFER as text; its length or -1. */
static inline int rs_sip_refer_to(sip_t const *sip, char *buf, int size) {
    if (!sip || !sip->sip_refer_to || size <= 0) return -1;
    return (int)url_e(buf, size, sip->sip_refer_to->r_url);
}

/* The Request-URI as text; its length or -1. */
static inline int rs_sip_request_uri(sip_t const *sip, char *buf, int size) {
    if (!sip || !sip->sip_request || size <= 0) return -1;
    return (int)url_e(buf, size, sip->sip_request->rq_url);
}

/* MD5 of `length` bytes as 32 lower-case hex digits (+ NUL) into out[33]. */
static inline void rs_md5_hex(const void *data, size_t length, char out[33]) {
    su_md5_t ctx;
    su_md5_init(&ctx);
    su_md5_update(&ctx, data, length);
    su_md5_hexdigest(&ctx, out);
}

#endif
