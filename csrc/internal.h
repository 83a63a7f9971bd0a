/* The C layer's own structures, shared by its files (not part of the Python API:
 * pyuv_net.h keeps them opaque). */
#ifndef PYUV_NET_INTERNAL_H
#define PYUV_NET_INTERNAL_H
#include <uv.h>
#include "pyuv_net.h"

/* Reads land in the loop's slab, one after the other, and are handed to Python in
 * batches: one call per loop iteration (or whenever the slab or the event list is
 * nearly full, or before any other call into Python, so events keep libuv's order).
 * A read gets PN_READ_MIN bytes of room (libuv's and Node's 64 KiB), doubled up to
 * PN_READ_MAX each time a read fills it (big messages and streams: fewer reads, fewer
 * calls), and back to PN_READ_MIN when reading stops, so a stream that pauses takes in
 * at most one 64 KiB read after it resumes, as Node's. The slab is flushed before less
 * than PN_READ_MAX is left. */
#define PN_READ_MIN (64 * 1024)

/* The most one read takes in: the largest 'data' chunk. On PyPy, 64 KiB, as Node's:
 * CPython's big reads go into bytes objects the loop uses again (accel.c), but PyPy
 * makes a new one a read, and bigger ones cost more than the reads they save when
 * streaming (256 KiB: malloc gave the heap back and took it again, every page of every
 * read faulted in afresh; half the rate of 64 KiB reads), though a 100 KiB message now
 * takes two. build_ffi.py defines PN_PYPY in PyPy's build. */
#ifdef PN_PYPY
#define PN_READ_MAX PN_READ_MIN
#else
#define PN_READ_MAX (256 * 1024)
#endif
#define PN_SLAB_SIZE (4 * PN_READ_MAX)

/* Each read lands at a 64-byte boundary of the slab. The kernel copies a read with
 * `rep movsb`, which on some x86 cores (AMD Zen measured: 2 GB/s instead of 40) is
 * 20 times slower when the destination sits 1 to 31 bytes past the source modulo
 * 4096. Socket buffers are mostly 64-byte aligned (big or power-of-two writes), so a
 * 64-byte-aligned destination never falls in that window for them, where before a
 * fixed slab address did, or did not, for every read of a process's life. */
#define PN_READ_ALIGN 64

struct pn_loop_s {
    uv_loop_t uv;
    uv_thread_t owner;  /* the thread whose handles these are (see PN_EWRONGTHREAD) */
    uv_check_t flush_check;
    uv_prepare_t gil_prepare; /* CPython: lets the GIL go right before each poll (accel.c) */
    void *py_released; /* CPython: the loop thread's state while the GIL is let go */
    size_t slab_used;
    int nreads;
    int flushing;       /* Python is taking the batch: reads meanwhile go direct */
    int closing;        /* pn_loop_close: the close callbacks go to Python's own path */
    /* CPython (accel.c): the Python loop's tick queue and a weak reference to the
     * loop, set by pn_loop_accelerate; NULL where reads go through pn_py_reads. */
    void *py_ticks;
    void *py_loop_ref;
    void *py_spare; /* CPython: a big read's bytes object it did not use, for the next one */
    void *py_reused; /* CPython: a slab read's bytes object nobody kept, for the next of its length */
    pn_handle_t *read_handles[PN_MAX_READS]; /* whose each gathered read is */
    void *read_bytes[PN_MAX_READS]; /* CPython: the bytes object a read went into, or NULL (slab) */
    int reads[PN_MAX_READS * 3]; /* (slot, offset, nread) per read, in order */
    char *slab; /* PN_SLAB_SIZE bytes of slab_space, from a PN_READ_ALIGN boundary */
    char slab_space[PN_SLAB_SIZE + PN_READ_ALIGN];
};

/* socket.setTimeout(): an unref'd timer, pushed back by every read and write. It is
 * freed in its own close callback, after which the handle's close may complete. */
typedef struct pn_inactivity_s {
    uv_timer_t timer;
    uint64_t timeout_ms; /* 0: no timeout */
    uint64_t last_active;
} pn_inactivity_t;

struct pn_handle_s {
    union {
        uv_handle_t handle;
        uv_stream_t stream;
        uv_tcp_t tcp;
        uv_pipe_t pipe;
        uv_timer_t timer;
        uv_check_t check;
        uv_idle_t idle;
        uv_async_t async;
        uv_poll_t poll;
    } u;
    pn_loop_t *loop;
    int id;
    int kind;
    int open_parts; /* libuv handles of ours not yet closed (main + inactivity timer) */
    int nodelay_inherited; /* a listener: 1 accepted sockets have its TCP_NODELAY, -1 not, 0 unknown */
    pn_inactivity_t *inactivity; /* socket.setTimeout(), made on first use: most sockets never set one */
    uint64_t bytes_read;
    uint64_t bytes_written;
    /* source.pipe(destination) done in C: reads of the source are written to the
     * destination without entering Python; the source stops reading while the
     * destination has pipe_hwm bytes or more queued. Both links are cleared when
     * either handle closes. */
    pn_handle_t *pipe_dst;
    pn_handle_t *pipe_src;
    size_t pipe_hwm;
    int pipe_paused;
    size_t read_size; /* room for the next read, PN_READ_MIN..PN_READ_MAX (0: MIN) */
    void *py_listener; /* CPython: the single 'data' listener, a strong reference (accel.c) */
    void *py_buffer;   /* CPython: the bytes object being read into, from on_alloc to on_read */
    char *py_buffer_data;
};

/* A queued write tail at least this long keeps its bytes object alive rather than
 * being copied (CPython's C write: pn_write_owned). */
#define PN_KEEP_MIN (16 * 1024)

/* pn_write, for a caller that owns an immutable buffer (a bytes object) which may be
 * kept alive (pn_accel_hold/release) instead of copying a big tail. */
ssize_t pn_write_owned(pn_handle_t *h, const char *data, size_t len, void *owner);

/* accel.c (CPython only): reads handed to their streams' 'data' listeners from C;
 * references to the bytes objects of queued writes. */
void pn_accel_hold(void *owner);
void pn_accel_release(pn_loop_t *loop, void *owner);
void pn_accel_deliver(pn_loop_t *loop);
void pn_accel_handle_free(pn_handle_t *h);
void pn_accel_loop_free(pn_loop_t *loop);

/* accel.c (CPython): a stream whose reads keep filling PN_READ_MAX bytes reads straight
 * into a bytes object, the one its listener gets, instead of into the slab and then
 * copied. pn_accel_read_buffer returns where to read `size` bytes (h->py_buffer then
 * holds the object) or NULL (use the slab); pn_accel_read_unused takes h->py_buffer
 * back after a read that got nothing; pn_accel_drop_reads drops the objects of
 * gathered reads nobody will deliver. */
char *pn_accel_read_buffer(pn_handle_t *h, size_t size);
void pn_accel_read_unused(pn_handle_t *h);
void pn_accel_drop_reads(pn_loop_t *loop);

/* accel.c (CPython): the other events, each a method call on the slot's object
 * (pyuv_net/_dispatch.py names them) made from C. Each returns 1 when it delivered
 * the event, 0 when the caller must use the cffi callback instead (PyPy, or a loop
 * being closed: Python then takes the close callbacks itself). */
enum pn_event {
    PN_EV_CONNECTION, /* _on_connection(status) */
    PN_EV_CONNECTED,  /* _on_connected(status) */
    PN_EV_SHUTDOWN,   /* _on_shutdown(status) */
    PN_EV_WRITTEN,    /* _on_written(status) */
    PN_EV_POLL,       /* _on_poll(status) */
    PN_EV_TIMER,      /* _on_timer(), and the following without arguments */
    PN_EV_IDLE_TIMEOUT,
    PN_EV_CHECK,
    PN_EV_ASYNC,
    PN_EV_COUNT
};
int pn_accel_event(pn_loop_t *loop, int id, enum pn_event event, int status);
int pn_accel_closed(pn_loop_t *loop, int id);

#endif
