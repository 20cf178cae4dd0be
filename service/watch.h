/* The service's registry change notifications (watch.c). */
#ifndef AVS_SVC_WATCH_H
#define AVS_SVC_WATCH_H

#include "win32.h" /* <windows.h> first */

enum {
    AVS_SVC_WATCH_UNINSTALL_64,
    AVS_SVC_WATCH_UNINSTALL_32,
    AVS_SVC_WATCH_POLICY,
    AVS_SVC_WATCHES
};

struct avs_svc_watch {
    HKEY key[AVS_SVC_WATCHES];
    HANDLE event[AVS_SVC_WATCHES]; /* signalled once per batch of changes */
};

/* Opens and arms all three. On failure *out_failed names the one that failed
 * ("uninstall-64", "uninstall-32", "policy") and nothing stays open. */
int avs_svc_watch_open(struct avs_svc_watch *w, const char **out_failed);

/* Arms notification WHICH again after its event was signalled. */
int avs_svc_watch_rearm(struct avs_svc_watch *w, int which);

void avs_svc_watch_close(struct avs_svc_watch *w);

#endif
