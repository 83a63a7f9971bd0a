/* The C API of pyuv_net's extension: what the Python layer calls.
 *
 * build_ffi.py hands this file to cffi's cdef after dropping preprocessor lines, so
 * everything between the guards must stay plain declarations cffi can parse.
 * libuv's own types never cross this boundary: handles are opaque pn_handle_t and
 * loops opaque pn_loop_t, so the Python layer never depends on libuv's struct layout.
 */
#ifndef PYUV_NET_H
#define PYUV_NET_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#ifdef _WIN32
#include <BaseTsd.h>
typedef SSIZE_T ssize_t;
#endif

typedef struct pn_loop_s pn_loop_t;
typedef struct pn_handle_s pn_handle_t;

/* Kinds of handle, fixed when the handle is made. */
enum {
    PN_TCP = 1,
    PN_PIPE = 2,
    PN_TIMER = 3,
    PN_CHECK = 4,
    PN_IDLE = 5,
    PN_ASYNC = 6,
    PN_POLL = 7
};

/* Flags for pn_tcp_bind. */
enum {
    PN_BIND_IPV6ONLY = 1,
    PN_BIND_REUSEPORT = 2
};

/* Modes for pn_loop_run (libuv's uv_run_mode). */
enum {
    PN_RUN_DEFAULT = 0,
    PN_RUN_ONCE = 1,
    PN_RUN_NOWAIT = 2
};

/* pn_write/pn_writev called from a thread other than the loop's: nothing written. */
enum { PN_EWRONGTHREAD = -100000 };

/* Reads gathered per loop before they go to Python (see pn_loop_reads). */
enum { PN_MAX_READS = 256 };

const char *pn_err_name(int err);
const char *pn_strerror(int err);
int pn_einval(void);

/* Loops. pn_loop_close closes every handle still open (their close callbacks run)
 * and frees the loop; it returns a libuv error if the loop could not be closed. */
pn_loop_t *pn_loop_new(void);
int pn_loop_run(pn_loop_t *loop, int mode);
void pn_loop_stop(pn_loop_t *loop);
int pn_loop_alive(pn_loop_t *loop);
int pn_loop_close(pn_loop_t *loop);
int pn_loop_fork(pn_loop_t *loop);
uint64_t pn_loop_now(pn_loop_t *loop);
/* The loop's read slab and its list of gathered reads, three ints each: the slot,
 * then the start and end of the bytes in the slab, or a libuv error (UV_EOF, ...)
 * and -1. pn_py_reads hands them over: the first slot and the count. */
char *pn_loop_slab(pn_loop_t *loop);
size_t pn_slab_size(void);
/* The most one read takes in: the largest 'data' chunk (256 KiB; PyPy: 64 KiB). */
size_t pn_read_max(void);
int *pn_loop_reads(pn_loop_t *loop);

/* CPython only (csrc/accel.c; elsewhere pn_accel_available() is 0 and reads go
 * through pn_py_reads): reads reach each stream's single 'data' listener straight
 * from C, without a Python loop in between. Objects are passed as id() (their address
 * in CPython); C keeps strong references. pn_loop_accelerate takes the loop's tick
 * queue (drained after each listener) and a weak reference to the Python loop (whose
 * run_ticks() and fail() it calls); pn_handle_set_listener sets or clears (0) a
 * stream's listener, which C drops by itself when the handle is freed. */
int pn_accel_available(void);
int pn_loop_accelerate(pn_loop_t *loop, uintptr_t ticks, uintptr_t loop_ref);
void pn_handle_set_listener(pn_handle_t *h, uintptr_t listener);
/* Replaces cls.write (pyuv_net's Stream) with a C method doing its fast path and
 * calling `impl` (the Python write) for everything else; see accel.c. */
int pn_accel_install_write(uintptr_t cls, uintptr_t impl);
/* Replaces cls._fresh_copy (Socket's) with its C equivalent; see accel.c. */
int pn_accel_install_fresh_copy(uintptr_t cls);
/* Replaces EventEmitter's add_listener (on, addListener), once, prepend_listener
 * (prependListener), prepend_once_listener (prependOnceListener), remove_listener
 * (off, removeListener) and emit with C methods doing their common case and calling
 * the Python methods, `impls` (a tuple, in that order), otherwise; `once_cls` is what
 * once() stores. See accel.c. */
int pn_accel_install_emitter(uintptr_t cls, uintptr_t impls, uintptr_t once_cls);
/* Replaces the steps of a connection's start and end (Server._on_connection, Stream's
 * _listeners_changed, _resume_now, _on_read_error, _emit_end, _end_after_fin,
 * _on_shutdown, _finish, _emit_close, _Closing._on_closed, Socket.destroy) with C
 * methods doing them for a plain Socket in the usual state and calling the Python
 * methods otherwise. `config` is a dict: the classes by name, "impls" (the Python
 * methods, in that order), "inlined" ((class, name, function) for the Python code C
 * stands for, checked whenever the class changes), "deque", "Ignored", "cast" and
 * "handle_type" (ffi.cast and pn_handle_t *). See accel_lifecycle.c. */
int pn_accel_install_lifecycle(uintptr_t config);
/* Gives C the dispatcher's slot table (_objects) and free list (_free_slots), so the
 * events other than reads reach their objects' methods from C too; see accel.c. */
int pn_accel_install_dispatch(uintptr_t objects, uintptr_t free_slots);

/* Embedding in another event loop (csrc/backend.c): the descriptor to watch for
 * readability (-1 where there is none, as on Windows), and how long the embedder may
 * wait before running the loop again: ms, 0 for "now", -1 for "until the descriptor
 * is readable". */
int pn_loop_backend_fd(pn_loop_t *loop);
int pn_loop_backend_timeout(pn_loop_t *loop);

/* Handles. `id` is the Python layer's slot number, passed back in every callback.
 * A handle is freed only after its close callback (pn_py_closed) has run. */
pn_handle_t *pn_handle_new(pn_loop_t *loop, int kind, int id);
pn_handle_t *pn_poll_new(pn_loop_t *loop, int id, int fd);
void pn_handle_close(pn_handle_t *h);
void pn_handle_ref(pn_handle_t *h);
void pn_handle_unref(pn_handle_t *h);
int pn_handle_fileno(pn_handle_t *h);
int pn_guess_handle(int fd);

/* Streams (TCP and pipe). */
int pn_read_start(pn_handle_t *h);
int pn_read_stop(pn_handle_t *h);
ssize_t pn_write(pn_handle_t *h, const char *data, size_t len);
ssize_t pn_writev(pn_handle_t *h, const char *const *bufs, const size_t *lens, int n);
/* src.pipe(dst) without Python in between; see pyuv_net.c. */
int pn_pipe_start(pn_handle_t *src, pn_handle_t *dst, size_t hwm);
void pn_pipe_stop(pn_handle_t *src);
int pn_shutdown(pn_handle_t *h);
int pn_listen(pn_handle_t *h, int backlog);
int pn_accept(pn_handle_t *server, pn_handle_t *client, int nodelay, int read);
int pn_stream_set_timeout(pn_handle_t *h, uint64_t ms);
uint64_t pn_stream_bytes_read(pn_handle_t *h);
uint64_t pn_stream_bytes_written(pn_handle_t *h);

/* TCP. Addresses are text (IPv4 or IPv6 literal, optional %scope). */
int pn_tcp_bind(pn_handle_t *h, const char *ip, int port, int flags);
int pn_tcp_connect(pn_handle_t *h, const char *ip, int port);
int pn_tcp_open(pn_handle_t *h, int fd);
int pn_tcp_nodelay(pn_handle_t *h, int enable);
int pn_tcp_keepalive(pn_handle_t *h, int enable, unsigned int delay);
int pn_tcp_close_reset(pn_handle_t *h);
/* Writes "address" into ip (>= 64 bytes), the port and family (4 or 6). */
int pn_tcp_sockname(pn_handle_t *h, int peer, char *ip, int *port, int *family);

/* Pipes (Unix domain sockets, Windows named pipes). */
int pn_pipe_bind(pn_handle_t *h, const char *path);
int pn_pipe_connect(pn_handle_t *h, const char *path);
int pn_pipe_open(pn_handle_t *h, int fd);
int pn_pipe_chmod(pn_handle_t *h, int flags);
/* Writes the path into buf (size *len in, length out). */
int pn_pipe_name(pn_handle_t *h, int peer, char *buf, size_t *len);
int pn_pipe_check_path(const char *path); /* 0, or ENAMETOOLONG: never truncated */

/* Timers, check/idle (immediates), async (wake-ups from other threads), poll. */
int pn_timer_start(pn_handle_t *h, uint64_t timeout, uint64_t repeat);
int pn_timer_stop(pn_handle_t *h);
int pn_check_start(pn_handle_t *h);
int pn_check_stop(pn_handle_t *h);
int pn_idle_start(pn_handle_t *h);
int pn_idle_stop(pn_handle_t *h);
int pn_async_send(pn_handle_t *h);
int pn_poll_start(pn_handle_t *h);

/* DNS: the answer reaches pn_py_resolved as lines "4 1.2.3.4\n6 ::1\n". */
int pn_getaddrinfo(pn_loop_t *loop, int id, const char *host, int family, int flags);

#endif
