/* Running a pyuv_net loop inside another event loop (pyuv_net/asyncio.py).
 *
 * The embedder watches libuv's backend descriptor (epoll/kqueue) for readability and
 * runs the loop with UV_RUN_NOWAIT when it is readable or when the backend timeout
 * expires. One trap: libuv registers a watcher with the kernel lazily, at its next
 * poll, so a read or write started by a callback of the last poll (or by code outside
 * the loop) is not yet in the backend descriptor. uv_backend_timeout does not count
 * those, so pn_loop_backend_timeout answers 0 ("run again now") while any is queued.
 */
#include <uv.h>

#include "internal.h"

static uv_loop_t *uv_of(pn_loop_t *loop) { return &loop->uv; }

int pn_loop_backend_fd(pn_loop_t *loop) { return uv_backend_fd(uv_of(loop)); }

static int watchers_unregistered(const uv_loop_t *uv) {
#ifdef _WIN32
    (void)uv;
    return 0; /* no backend descriptor there: the embedder polls */
#else
    /* loop->watcher_queue is a circular list head (void *[2] up to libuv 1.46, struct
     * uv__queue after); in both its first pointer is `next`, which points back at the
     * head when the list is empty. */
    const void *const *head = (const void *const *)&uv->watcher_queue;
    return head[0] != (const void *)head;
#endif
}

int pn_loop_backend_timeout(pn_loop_t *loop) {
    uv_loop_t *uv = uv_of(loop);
    if (watchers_unregistered(uv))
        return 0;
    return uv_backend_timeout(uv);
}
