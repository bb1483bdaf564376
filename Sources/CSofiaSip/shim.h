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
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/sofia_features.h>

/* Sofia's requests are variadic and compare tags by address, so every tag list is built here in C. */
static inline const char *rs_sofia_version(void) { return SOFIA_SIP_VERSION; }

#endif
