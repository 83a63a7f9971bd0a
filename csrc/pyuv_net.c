/* pyuv_net's C layer over libuv: handle lifetime, the read/write hot path, socket
 * idle timeouts and DNS, so that each libuv event costs at most one call into Python.
 *
 * Lifetime rule: a pn_handle_t is allocated by pn_handle_new/pn_poll_new and freed
 * only in the close callback of its last libuv handle, after pn_py_closed has told
 * Python the slot is free. Requests (writes, getaddrinfo) own their memory and free
 * it in their completion callback.
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <uv.h>
#ifndef _WIN32
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>
#endif
#include "internal.h"
#include "py_callbacks.h"

typedef struct {
    uv_write_t req;
    pn_handle_t *h;
    uv_buf_t buf;
    int from_pipe; /* written by a C pipe: Python does not know of it */
    void *owner;   /* CPython: the bytes object buf points into, instead of data */
    char data[];
} pn_write_req_t;

typedef struct {
    uv_getaddrinfo_t req;
    int id;
} pn_gai_req_t;

const char *pn_err_name(int err) { return uv_err_name(err); }
const char *pn_strerror(int err) { return uv_strerror(err); }
int pn_einval(void) { return UV_EINVAL; }

/* ---- loops ---------------------------------------------------------------------- */

/* Hands the reads gathered so far to Python in one call. */
static void flush_reads(pn_loop_t *loop) {
    if (loop->nreads == 0 || loop->flushing)
        return;
    loop->flushing = 1;
    if (loop->py_ticks != NULL)
        pn_accel_deliver(loop); /* CPython: from C to each listener */
    else
        pn_py_reads(loop->reads[0], loop->nreads);
    loop->flushing = 0;
    loop->nreads = 0;
    loop->slab_used = 0;
}

/* Every call into Python but pn_py_reads goes through here first, so Python sees the
 * reads gathered so far before anything that happened after them. */
static inline pn_loop_t *before_python(pn_loop_t *loop) {
    if (loop->nreads != 0)
        flush_reads(loop);
    return loop;
}

/* Right after the poll phase of each loop iteration. */
static void on_flush_check(uv_check_t *c) {
    before_python((pn_loop_t *)((char *)c - offsetof(pn_loop_t, flush_check)));
}

pn_loop_t *pn_loop_new(void) {
    pn_loop_t *loop = malloc(sizeof(*loop));
    if (loop == NULL)
        return NULL;
    memset(loop, 0, offsetof(pn_loop_t, reads));
    loop->slab = loop->slab_space + (PN_READ_ALIGN - (uintptr_t)loop->slab_space % PN_READ_ALIGN) % PN_READ_ALIGN;
    if (uv_loop_init(&loop->uv) != 0) {
        free(loop);
        return NULL;
    }
    loop->owner = uv_thread_self();
    /* data stays NULL: close_any() takes handles with data for pn_handle_t */
    uv_check_init(&loop->uv, &loop->flush_check);
    uv_check_start(&loop->flush_check, on_flush_check);
    uv_unref((uv_handle_t *)&loop->flush_check);
    uv_prepare_init(&loop->uv, &loop->gil_prepare); /* (started by pn_accel_run) */
    uv_unref((uv_handle_t *)&loop->gil_prepare);
    return loop;
}

int pn_loop_run(pn_loop_t *loop, int mode) {
    uv_run_mode m = mode == PN_RUN_ONCE ? UV_RUN_ONCE : mode == PN_RUN_NOWAIT ? UV_RUN_NOWAIT : UV_RUN_DEFAULT;
    int alive = uv_run(&loop->uv, m);
    before_python(loop);
    return alive;
}

void pn_loop_stop(pn_loop_t *loop) { uv_stop(&loop->uv); }
int pn_loop_alive(pn_loop_t *loop) { return uv_loop_alive(&loop->uv); }

int pn_loop_fork(pn_loop_t *loop) {
    loop->owner = uv_thread_self();
    return uv_loop_fork(&loop->uv);
}

uint64_t pn_loop_now(pn_loop_t *loop) { return uv_now(&loop->uv); }
char *pn_loop_slab(pn_loop_t *loop) { return loop->slab; }
size_t pn_slab_size(void) { return PN_SLAB_SIZE; }
size_t pn_read_max(void) { return PN_READ_MAX; }
int *pn_loop_reads(pn_loop_t *loop) { return loop->reads; }

static void close_any(uv_handle_t *hd, void *arg) {
    (void)arg;
    pn_handle_t *h = hd->data;
    if (h != NULL && !uv_is_closing(&h->u.handle))
        pn_handle_close(h);
}

int pn_loop_close(pn_loop_t *loop) {
    loop->closing = 1;
    pn_accel_drop_reads(loop);
    loop->nreads = 0; /* Python is deaf now: the gathered reads go nowhere */
    if (!uv_is_closing((uv_handle_t *)&loop->flush_check))
        uv_close((uv_handle_t *)&loop->flush_check, NULL);
    if (!uv_is_closing((uv_handle_t *)&loop->gil_prepare))
        uv_close((uv_handle_t *)&loop->gil_prepare, NULL);
    uv_walk(&loop->uv, close_any, NULL);
    /* Runs the close callbacks and lets pending requests (getaddrinfo) finish. */
    while (uv_run(&loop->uv, UV_RUN_DEFAULT) != 0) {
    }
    int r = uv_loop_close(&loop->uv);
    if (r == 0) {
        pn_accel_loop_free(loop);
        free(loop);
    }
    return r;
}

/* ---- handles -------------------------------------------------------------------- */

static void on_timer(uv_timer_t *t) {
    pn_handle_t *h = t->data;
    if (!pn_accel_event(before_python(h->loop), h->id, PN_EV_TIMER, 0))
        pn_py_timer(h->id);
}
static void on_check(uv_check_t *c) {
    pn_handle_t *h = c->data;
    if (!pn_accel_event(before_python(h->loop), h->id, PN_EV_CHECK, 0))
        pn_py_check(h->id);
}
static void on_idle(uv_idle_t *i) { (void)i; /* only keeps the poll phase from blocking */ }
static void on_async(uv_async_t *a) {
    pn_handle_t *h = a->data;
    if (!pn_accel_event(before_python(h->loop), h->id, PN_EV_ASYNC, 0))
        pn_py_async(h->id);
}
static void on_poll(uv_poll_t *p, int status, int events) {
    (void)events;
    pn_handle_t *h = p->data;
    if (!pn_accel_event(before_python(h->loop), h->id, PN_EV_POLL, status))
        pn_py_poll(h->id, status);
}

static pn_handle_t *handle_alloc(pn_loop_t *loop, int kind, int id) {
    pn_handle_t *h = calloc(1, sizeof(*h));
    if (h == NULL)
        return NULL;
    h->loop = loop;
    h->id = id;
    h->kind = kind;
    h->open_parts = 1;
    h->u.handle.data = h;
    return h;
}

pn_handle_t *pn_handle_new(pn_loop_t *loop, int kind, int id) {
    pn_handle_t *h = handle_alloc(loop, kind, id);
    if (h == NULL)
        return NULL;
    int r;
    switch (kind) {
    case PN_TCP: r = uv_tcp_init(&loop->uv, &h->u.tcp); break;
    case PN_PIPE: r = uv_pipe_init(&loop->uv, &h->u.pipe, 0); break;
    case PN_TIMER: r = uv_timer_init(&loop->uv, &h->u.timer); break;
    case PN_CHECK: r = uv_check_init(&loop->uv, &h->u.check); break;
    case PN_IDLE: r = uv_idle_init(&loop->uv, &h->u.idle); break;
    case PN_ASYNC: r = uv_async_init(&loop->uv, &h->u.async, on_async); break;
    default: r = UV_EINVAL;
    }
    if (r != 0) {
        free(h);
        return NULL;
    }
    h->u.handle.data = h;
    return h;
}

pn_handle_t *pn_poll_new(pn_loop_t *loop, int id, int fd) {
    pn_handle_t *h = handle_alloc(loop, PN_POLL, id);
    if (h == NULL)
        return NULL;
    if (uv_poll_init_socket(&loop->uv, &h->u.poll, (uv_os_sock_t)fd) != 0) {
        free(h);
        return NULL;
    }
    h->u.handle.data = h;
    return h;
}

/* The handle is freed when the last of its libuv handles (main, inactivity timer) closed. */
static void part_closed(pn_handle_t *h) {
    if (--h->open_parts > 0)
        return;
    pn_loop_t *loop = before_python(h->loop);
    /* C's references go first: the stream may then be referenced only by itself */
    pn_accel_handle_free(h);
    if (!pn_accel_closed(loop, h->id))
        pn_py_closed(h->id);
    free(h);
}

static void on_part_closed(uv_handle_t *hd) { part_closed(hd->data); }

static void on_inactivity_closed(uv_handle_t *hd) {
    pn_handle_t *h = hd->data;
    free(h->inactivity);
    h->inactivity = NULL;
    part_closed(h);
}

static void close_inactivity_timer(pn_handle_t *h) {
    if (h->inactivity != NULL) {
        h->open_parts++;
        uv_close((uv_handle_t *)&h->inactivity->timer, on_inactivity_closed);
    }
}

static void pipe_unlink_both(pn_handle_t *h);

void pn_handle_close(pn_handle_t *h) {
    if (uv_is_closing(&h->u.handle))
        return;
    pipe_unlink_both(h);
    close_inactivity_timer(h);
    uv_close(&h->u.handle, on_part_closed);
}

int pn_tcp_close_reset(pn_handle_t *h) {
    if (uv_is_closing(&h->u.handle))
        return UV_EINVAL;
    int r = uv_tcp_close_reset(&h->u.tcp, on_part_closed);
    if (r != 0)
        return r;
    pipe_unlink_both(h);
    close_inactivity_timer(h);
    return 0;
}

void pn_handle_ref(pn_handle_t *h) { uv_ref(&h->u.handle); }
void pn_handle_unref(pn_handle_t *h) { uv_unref(&h->u.handle); }

int pn_handle_fileno(pn_handle_t *h) {
#ifdef _WIN32
    (void)h;
    return -1;
#else
    uv_os_fd_t fd;
    if (uv_fileno(&h->u.handle, &fd) != 0)
        return -1;
    return (int)fd;
#endif
}

int pn_guess_handle(int fd) {
    switch (uv_guess_handle(fd)) {
    case UV_TCP: return PN_TCP;
    case UV_NAMED_PIPE: return PN_PIPE;
    default: return 0;
    }
}

/* ---- streams: reading ----------------------------------------------------------- */

static void on_inactivity_timer(uv_timer_t *t);

/* A read or write happened: push the inactivity timeout back (re-arming it if it fired). */
static inline void touch(pn_handle_t *h) {
    pn_inactivity_t *inact = h->inactivity;
    if (inact == NULL || inact->timeout_ms == 0)
        return;
    inact->last_active = uv_now(&h->loop->uv);
    if (!uv_is_active((uv_handle_t *)&inact->timer))
        uv_timer_start(&inact->timer, on_inactivity_timer, inact->timeout_ms, 0);
}

static void on_inactivity_timer(uv_timer_t *t) {
    pn_handle_t *h = t->data;
    pn_inactivity_t *inact = h->inactivity;
    uint64_t due = inact->last_active + inact->timeout_ms;
    uint64_t now = uv_now(&h->loop->uv);
    if (now < due) {
        uv_timer_start(t, on_inactivity_timer, due - now, 0);
        return;
    }
    if (!pn_accel_event(before_python(h->loop), h->id, PN_EV_IDLE_TIMEOUT, 0))
        pn_py_idle_timeout(h->id);
}

int pn_stream_set_timeout(pn_handle_t *h, uint64_t ms) {
    if (uv_is_closing(&h->u.handle))
        return UV_EINVAL;
    if (h->inactivity == NULL) {
        if (ms == 0)
            return 0;
        pn_inactivity_t *inact = calloc(1, sizeof(*inact));
        if (inact == NULL)
            return UV_ENOMEM;
        int r = uv_timer_init(&h->loop->uv, &inact->timer);
        if (r != 0) {
            free(inact);
            return r;
        }
        inact->timer.data = h;
        uv_unref((uv_handle_t *)&inact->timer);
        h->inactivity = inact;
    }
    h->inactivity->timeout_ms = ms;
    if (ms == 0)
        return uv_timer_stop(&h->inactivity->timer);
    h->inactivity->last_active = uv_now(&h->loop->uv);
    return uv_timer_start(&h->inactivity->timer, on_inactivity_timer, ms, 0);
}

/* on_read flushes before less than PN_READ_MAX of the slab is left. */
static void on_alloc(uv_handle_t *hd, size_t suggested, uv_buf_t *buf) {
    (void)suggested;
    pn_handle_t *h = hd->data;
    pn_loop_t *loop = h->loop;
    size_t size = h->read_size != 0 ? h->read_size : PN_READ_MIN;
    if (loop->flushing) /* a read while Python takes a batch: not something libuv does today */
        buf->base = malloc(size);
    else if (size == PN_READ_MAX && loop->py_ticks != NULL && h->pipe_dst == NULL &&
             (buf->base = pn_accel_read_buffer(h, size)) != NULL)
        ; /* a stream whose reads keep filling their room: into a bytes object of its own */
    else
        buf->base = loop->slab + loop->slab_used;
    buf->len = buf->base != NULL ? size : 0;
}

/* A read filled its room: the next one gets more. */
static inline void adapt_read_size(pn_handle_t *h, size_t nread, size_t room) {
    if (nread == room && room < PN_READ_MAX)
        h->read_size = 2 * room;
}

static inline int in_slab(pn_loop_t *loop, const char *p) {
    return p >= loop->slab && p < loop->slab + PN_SLAB_SIZE;
}

static ssize_t write_bufs(pn_handle_t *h, const uv_buf_t *bufs, int n, size_t total, int from_pipe,
                          void *owner);

/* The C pipe's half of a read: write it on, and stop reading while the destination
 * is full. Returns 0 when done, or -1 to hand the bytes to Python instead (then the
 * pipe is unlinked and Python's own write reports the error). */
static int pipe_read(pn_handle_t *h, ssize_t nread, const uv_buf_t *buf) {
    pn_handle_t *d = h->pipe_dst;
    uv_buf_t b = uv_buf_init(buf->base, (unsigned int)nread);
    if (write_bufs(d, &b, 1, (size_t)nread, 1, NULL) < 0) {
        pipe_unlink_both(h);
        return -1;
    }
    if (uv_stream_get_write_queue_size(&d->u.stream) >= d->pipe_hwm && !uv_is_closing(&h->u.handle)) {
        uv_read_stop(&h->u.stream);
        h->read_size = PN_READ_MIN;
        h->pipe_paused = 1;
    }
    return 0;
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf) {
    pn_handle_t *h = s->data;
    pn_loop_t *loop = h->loop;
    if (nread > 0) {
        h->bytes_read += (uint64_t)nread;
        touch(h);
        adapt_read_size(h, (size_t)nread, buf->len);
        if (h->pipe_dst != NULL && pipe_read(h, nread, buf) == 0)
            nread = 0;
    }
    void *bytes = NULL;
    if (buf->base != NULL && buf->base == h->py_buffer_data) {
        if (nread > 0)
            bytes = h->py_buffer;
        else
            pn_accel_read_unused(h);
        h->py_buffer = NULL;
        h->py_buffer_data = NULL;
    } else if (buf->base != NULL && !in_slab(loop, buf->base)) {
        if (nread != 0)
            pn_py_read(h->id, nread, buf->base);
        free(buf->base);
        return;
    }
    if (nread == 0)
        return;
    /* Gathered for the next flush: (slot, start, end) of the bytes in the slab (or in
     * a bytes object of their own: read_bytes), or (slot, error, -1) for EOF and
     * errors, which keep their place in the order. */
    loop->read_handles[loop->nreads] = h;
    loop->read_bytes[loop->nreads] = bytes;
    int *r = loop->reads + 3 * loop->nreads++;
    r[0] = h->id;
    if (bytes != NULL) {
        r[1] = 0;
        r[2] = (int)nread;
    } else if (nread > 0) {
        r[1] = (int)loop->slab_used;
        r[2] = r[1] + (int)nread;
        loop->slab_used = ((size_t)r[2] + PN_READ_ALIGN - 1) / PN_READ_ALIGN * PN_READ_ALIGN;
    } else {
        r[1] = (int)nread;
        r[2] = -1;
    }
    /* At once, not at the end of the poll phase: an EOF or error (what Python does
     * about it, a shutdown say, then happens in this iteration as with per-read
     * callbacks), and a read that filled its buffer (more is waiting: the listener
     * must be able to pause before libuv reads again); and when the slab is full. */
    if (nread < 0 || (size_t)nread == buf->len || loop->nreads == PN_MAX_READS ||
        loop->slab_used > PN_SLAB_SIZE - PN_READ_MAX)
        flush_reads(loop);
}

int pn_read_start(pn_handle_t *h) {
    /* Some libuv versions refuse a second start with EALREADY; for us it is a no-op. */
    int r = uv_read_start(&h->u.stream, on_alloc, on_read);
    return r == UV_EALREADY ? 0 : r;
}

int pn_read_stop(pn_handle_t *h) {
    h->read_size = PN_READ_MIN; /* a paused stream takes in one 64 KiB read at most */
    return uv_read_stop(&h->u.stream);
}

/* ---- streams: writing ----------------------------------------------------------- */

static void on_written(uv_write_t *req, int status) {
    pn_write_req_t *w = (pn_write_req_t *)req;
    pn_handle_t *h = w->h;
    int from_pipe = w->from_pipe;
    if (w->owner != NULL)
        pn_accel_release(h->loop, w->owner);
    free(w);
    if (status == 0)
        touch(h);
    pn_handle_t *src = h->pipe_src;
    if (src != NULL && src->pipe_paused && uv_stream_get_write_queue_size(&h->u.stream) < h->pipe_hwm) {
        src->pipe_paused = 0;
        uv_read_start(&src->u.stream, on_alloc, on_read);
    }
    if (!from_pipe) {
        if (!pn_accel_event(before_python(h->loop), h->id, PN_EV_WRITTEN, status))
            pn_py_written(h->id, status);
    }
}

/* Queues bytes [skip, total) of bufs as one write request holding its own copy, or,
 * for a big tail of one buffer whose owner (an immutable bytes object) can be kept
 * alive instead, a reference to it: no copy. */
static ssize_t queue_tail(pn_handle_t *h, const uv_buf_t *bufs, int n, size_t skip, size_t total,
                          int from_pipe, void *owner) {
    size_t len = total - skip;
    int keep = owner != NULL && n == 1 && len >= PN_KEEP_MIN;
    pn_write_req_t *w = malloc(sizeof(pn_write_req_t) + (keep ? 0 : len));
    if (w == NULL)
        return UV_ENOMEM;
    w->h = h;
    w->from_pipe = from_pipe;
    w->owner = keep ? owner : NULL;
    if (keep) {
        w->buf = uv_buf_init(bufs[0].base + skip, (unsigned int)len);
    } else {
        char *p = w->data;
        for (int i = 0; i < n; i++) {
            size_t blen = bufs[i].len;
            if (skip >= blen) {
                skip -= blen;
                continue;
            }
            memcpy(p, bufs[i].base + skip, blen - skip);
            p += blen - skip;
            skip = 0;
        }
        w->buf = uv_buf_init(w->data, (unsigned int)len);
    }
    int r = uv_write(&w->req, &h->u.stream, &w->buf, 1, on_written);
    if (r != 0) {
        free(w);
        return r;
    }
    if (w->owner != NULL)
        pn_accel_hold(w->owner);
    return (ssize_t)len;
}

/* Sends what the kernel takes now and queues the rest. Returns the number of bytes
 * queued (0: all sent, and pn_py_written will not be called), or a libuv error. */
static ssize_t write_bufs(pn_handle_t *h, const uv_buf_t *bufs, int n, size_t total, int from_pipe,
                          void *owner) {
    size_t done = 0;
    h->bytes_written += total;
    touch(h);
    if (total == 0)
        return 0;
    if (uv_stream_get_write_queue_size(&h->u.stream) == 0) {
        int r = uv_try_write(&h->u.stream, bufs, (unsigned int)n);
        if (r >= 0) {
            done = (size_t)r;
            if (done == total)
                return 0;
        } else if (r != UV_EAGAIN && r != UV_ENOSYS) {
            return r;
        }
    }
    return queue_tail(h, bufs, n, done, total, from_pipe, owner);
}

ssize_t pn_write(pn_handle_t *h, const char *data, size_t len) {
    return pn_write_owned(h, data, len, NULL);
}

ssize_t pn_write_owned(pn_handle_t *h, const char *data, size_t len, void *owner) {
    if (!uv_thread_equal(&(uv_thread_t){uv_thread_self()}, &h->loop->owner))
        return PN_EWRONGTHREAD;
    uv_buf_t b = uv_buf_init((char *)data, (unsigned int)len);
    return write_bufs(h, &b, 1, len, 0, owner);
}

ssize_t pn_writev(pn_handle_t *h, const char *const *bufs, const size_t *lens, int n) {
    if (!uv_thread_equal(&(uv_thread_t){uv_thread_self()}, &h->loop->owner))
        return PN_EWRONGTHREAD;
    uv_buf_t small[16] = {{0}};
    uv_buf_t *b = n <= 16 ? small : malloc(sizeof(uv_buf_t) * (size_t)n);
    if (b == NULL)
        return UV_ENOMEM;
    size_t total = 0;
    for (int i = 0; i < n; i++) {
        b[i] = uv_buf_init((char *)bufs[i], (unsigned int)lens[i]);
        total += lens[i];
    }
    ssize_t r = write_bufs(h, b, n, total, 0, NULL);
    if (b != small)
        free(b);
    return r;
}

/* ---- streams: pipe() in C ------------------------------------------------------- */

int pn_pipe_start(pn_handle_t *src, pn_handle_t *dst, size_t hwm) {
    if (src->pipe_dst != NULL || dst->pipe_src != NULL || uv_is_closing(&src->u.handle) ||
        uv_is_closing(&dst->u.handle))
        return UV_EBUSY;
    src->pipe_dst = dst;
    dst->pipe_src = src;
    dst->pipe_hwm = hwm > 0 ? hwm : 1;
    return 0;
}

/* Ends the pipe `h` takes part in (as source or destination); a source paused by
 * the pipe reads again, since Python believes it is reading. */
static void pipe_unlink_both(pn_handle_t *h) {
    pn_handle_t *src = h->pipe_dst != NULL ? h : h->pipe_src;
    if (src == NULL)
        return;
    pn_handle_t *dst = src->pipe_dst;
    src->pipe_dst = NULL;
    dst->pipe_src = NULL;
    if (src->pipe_paused) {
        src->pipe_paused = 0;
        if (!uv_is_closing(&src->u.handle))
            uv_read_start(&src->u.stream, on_alloc, on_read);
    }
}

void pn_pipe_stop(pn_handle_t *src) { pipe_unlink_both(src); }


/* Shutdown and connect requests are allocated when made and freed in their callback
 * (which libuv always calls, with UV_ECANCELED if the handle closes first): an idle
 * connection carries neither. */
static void on_shutdown(uv_shutdown_t *req, int status) {
    pn_handle_t *h = req->handle->data;
    free(req);
    if (!pn_accel_event(before_python(h->loop), h->id, PN_EV_SHUTDOWN, status))
        pn_py_shut(h->id, status);
}

int pn_shutdown(pn_handle_t *h) {
    uv_shutdown_t *req = malloc(sizeof(*req));
    if (req == NULL)
        return UV_ENOMEM;
    int r = uv_shutdown(req, &h->u.stream, on_shutdown);
    if (r != 0)
        free(req);
    return r;
}

static void on_connection(uv_stream_t *server, int status) {
    pn_handle_t *h = server->data;
    if (!pn_accel_event(before_python(h->loop), h->id, PN_EV_CONNECTION, status))
        pn_py_connection(h->id, status);
}

int pn_listen(pn_handle_t *h, int backlog) { return uv_listen(&h->u.stream, backlog, on_connection); }
/* Accepts a connection into `client`, with Nagle off if `nodelay`. The listener has
 * TCP_NODELAY too then (the Server sets it): where accepted sockets inherit it (Linux
 * clones the listener's state), the first accepted socket shows so and the setsockopt
 * is skipped for the rest, a system call less per connection. */
/* Nagle off on an accepted connection, which may have inherited it from the listener. */
static int accepted_nodelay(pn_handle_t *server, pn_handle_t *client) {
    if (server->nodelay_inherited == 0) {
        int on = 0;
        socklen_t len = sizeof(on);
        uv_os_fd_t fd;
        int got = uv_fileno(&client->u.handle, &fd) == 0 &&
                  getsockopt((uv_os_sock_t)fd, IPPROTO_TCP, TCP_NODELAY, (char *)&on, &len) == 0;
        server->nodelay_inherited = got && on ? 1 : -1;
    }
    return server->nodelay_inherited > 0 ? 0 : uv_tcp_nodelay(&client->u.tcp, 1);
}

int pn_accept(pn_handle_t *server, pn_handle_t *client, int nodelay, int read) {
    int r = uv_accept(&server->u.stream, &client->u.stream);
    if (r == 0 && nodelay)
        r = accepted_nodelay(server, client);
    if (r == 0 && read)
        r = pn_read_start(client);
    return r;
}
uint64_t pn_stream_bytes_read(pn_handle_t *h) { return h->bytes_read; }
uint64_t pn_stream_bytes_written(pn_handle_t *h) { return h->bytes_written; }

/* ---- TCP ------------------------------------------------------------------------ */

static int parse_addr(const char *ip, int port, struct sockaddr_storage *ss) {
    memset(ss, 0, sizeof(*ss));
    if (strchr(ip, ':') != NULL)
        return uv_ip6_addr(ip, port, (struct sockaddr_in6 *)ss);
    return uv_ip4_addr(ip, port, (struct sockaddr_in *)ss);
}

static void on_connect(uv_connect_t *req, int status) {
    pn_handle_t *h = req->handle->data;
    free(req); /* see on_shutdown */
    if (!pn_accel_event(before_python(h->loop), h->id, PN_EV_CONNECTED, status))
        pn_py_connected(h->id, status);
}

#ifndef _WIN32
/* SO_REUSEPORT must be set before bind(), so make the socket ourselves. */
static int open_reuseport_socket(pn_handle_t *h, int family) {
#ifdef SO_REUSEPORT
    int fd = socket(family, SOCK_STREAM, 0);
    if (fd < 0)
        return uv_translate_sys_error(errno);
    int on = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) != 0) {
        int err = uv_translate_sys_error(errno);
        close(fd);
        return err;
    }
    int r = uv_tcp_open(&h->u.tcp, fd);
    if (r != 0)
        close(fd);
    return r;
#else
    (void)h;
    (void)family;
    return UV_ENOTSUP;
#endif
}
#endif

int pn_tcp_bind(pn_handle_t *h, const char *ip, int port, int flags) {
    struct sockaddr_storage ss;
    int r = parse_addr(ip, port, &ss);
    if (r != 0)
        return r;
    if (flags & PN_BIND_REUSEPORT) {
#ifdef _WIN32
        return UV_ENOTSUP;
#else
        r = open_reuseport_socket(h, ss.ss_family);
        if (r != 0)
            return r;
#endif
    }
    unsigned int uvflags = (flags & PN_BIND_IPV6ONLY) ? UV_TCP_IPV6ONLY : 0;
    return uv_tcp_bind(&h->u.tcp, (struct sockaddr *)&ss, uvflags);
}


int pn_tcp_connect(pn_handle_t *h, const char *ip, int port) {
    struct sockaddr_storage ss;
    int r = parse_addr(ip, port, &ss);
    if (r != 0)
        return r;
    uv_connect_t *req = malloc(sizeof(*req));
    if (req == NULL)
        return UV_ENOMEM;
    r = uv_tcp_connect(req, &h->u.tcp, (struct sockaddr *)&ss, on_connect);
    if (r != 0)
        free(req);
    return r;
}

int pn_tcp_open(pn_handle_t *h, int fd) { return uv_tcp_open(&h->u.tcp, (uv_os_sock_t)fd); }
int pn_tcp_nodelay(pn_handle_t *h, int enable) { return uv_tcp_nodelay(&h->u.tcp, enable); }
int pn_tcp_keepalive(pn_handle_t *h, int enable, unsigned int delay) {
    return uv_tcp_keepalive(&h->u.tcp, enable, delay);
}

int pn_tcp_sockname(pn_handle_t *h, int peer, char *ip, int *port, int *family) {
    struct sockaddr_storage ss;
    int len = (int)sizeof(ss);
    int r = peer ? uv_tcp_getpeername(&h->u.tcp, (struct sockaddr *)&ss, &len)
                 : uv_tcp_getsockname(&h->u.tcp, (struct sockaddr *)&ss, &len);
    if (r != 0)
        return r;
    if (ss.ss_family == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        *family = 6;
        *port = ntohs(a->sin6_port);
        return uv_ip6_name(a, ip, 64);
    }
    if (ss.ss_family == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        *family = 4;
        *port = ntohs(a->sin_port);
        return uv_ip4_name(a, ip, 64);
    }
    return UV_EAFNOSUPPORT;
}

/* ---- pipes ---------------------------------------------------------------------- */

static size_t pipe_max_path(void) {
#ifdef _WIN32
    return 256;
#else
    return sizeof(((struct sockaddr_un *)0)->sun_path) - 1;
#endif
}

/* libuv 1.44 silently truncates a long path; refuse it instead. */
int pn_pipe_check_path(const char *path) { return strlen(path) > pipe_max_path() ? UV_ENAMETOOLONG : 0; }
#define check_path pn_pipe_check_path

int pn_pipe_bind(pn_handle_t *h, const char *path) {
    int r = check_path(path);
    return r != 0 ? r : uv_pipe_bind(&h->u.pipe, path);
}

int pn_pipe_connect(pn_handle_t *h, const char *path) {
    int r = check_path(path);
    if (r != 0)
        return r;
    /* An empty name reaches nothing: the kernel refuses it (node 20, libuv 1.46); libuv
     * 1.48 and later refuse it first with EINVAL. One answer whatever the libuv. */
    if (path[0] == '\0')
        return UV_ECONNREFUSED;
    uv_connect_t *req = malloc(sizeof(*req));
    if (req == NULL)
        return UV_ENOMEM;
    uv_pipe_connect(req, &h->u.pipe, path, on_connect); /* errors come to on_connect */
    return 0;
}

int pn_pipe_open(pn_handle_t *h, int fd) { return uv_pipe_open(&h->u.pipe, (uv_file)fd); }
int pn_pipe_chmod(pn_handle_t *h, int flags) { return uv_pipe_chmod(&h->u.pipe, flags); }

int pn_pipe_name(pn_handle_t *h, int peer, char *buf, size_t *len) {
    return peer ? uv_pipe_getpeername(&h->u.pipe, buf, len) : uv_pipe_getsockname(&h->u.pipe, buf, len);
}

/* ---- timers, check, idle, async, poll ------------------------------------------- */

int pn_timer_start(pn_handle_t *h, uint64_t timeout, uint64_t repeat) {
    return uv_timer_start(&h->u.timer, on_timer, timeout, repeat);
}
int pn_timer_stop(pn_handle_t *h) { return uv_timer_stop(&h->u.timer); }
int pn_check_start(pn_handle_t *h) { return uv_check_start(&h->u.check, on_check); }
int pn_check_stop(pn_handle_t *h) { return uv_check_stop(&h->u.check); }
int pn_idle_start(pn_handle_t *h) { return uv_idle_start(&h->u.idle, on_idle); }
int pn_idle_stop(pn_handle_t *h) { return uv_idle_stop(&h->u.idle); }
int pn_async_send(pn_handle_t *h) { return uv_async_send(&h->u.async); }
int pn_poll_start(pn_handle_t *h) { return uv_poll_start(&h->u.poll, UV_READABLE, on_poll); }

/* ---- DNS ------------------------------------------------------------------------ */

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res) {
    pn_gai_req_t *g = (pn_gai_req_t *)req;
    size_t cap = 1, used = 0;
    for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next)
        cap += 2 + INET6_ADDRSTRLEN + 1;
    char *out = malloc(cap);
    if (out == NULL) {
        status = status != 0 ? status : UV_ENOMEM;
    } else {
        out[0] = '\0';
        for (struct addrinfo *ai = res; status == 0 && ai != NULL; ai = ai->ai_next) {
            char ip[INET6_ADDRSTRLEN + 1];
            int fam;
            if (ai->ai_family == AF_INET) {
                fam = 4;
                uv_ip4_name((struct sockaddr_in *)ai->ai_addr, ip, sizeof(ip));
            } else if (ai->ai_family == AF_INET6) {
                fam = 6;
                uv_ip6_name((struct sockaddr_in6 *)ai->ai_addr, ip, sizeof(ip));
            } else {
                continue;
            }
            used += (size_t)snprintf(out + used, cap - used, "%d %s\n", fam, ip);
        }
    }
    int id = g->id;
    pn_loop_t *loop = (pn_loop_t *)req->loop; /* uv is pn_loop_t's first member */
    uv_freeaddrinfo(res);
    free(g);
    before_python(loop);
    pn_py_resolved(id, status, out != NULL ? out : "");
    free(out);
}

int pn_getaddrinfo(pn_loop_t *loop, int id, const char *host, int family, int flags) {
    struct addrinfo hints;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = family == 4 ? AF_INET : family == 6 ? AF_INET6 : AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = flags;
    pn_gai_req_t *g = malloc(sizeof(*g));
    if (g == NULL)
        return UV_ENOMEM;
    g->id = id;
    int r = uv_getaddrinfo(&loop->uv, &g->req, on_resolved, host, NULL, &hints);
    if (r != 0)
        free(g);
    return r;
}
