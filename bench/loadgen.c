/*
 * loadgen: a small epoll load generator for echo servers on 127.0.0.1.
 *
 * Modes
 *   pingpong  N connections; each sends an S-byte message and waits for the whole
 *             echo before sending the next. Reports requests/s and bytes/s.
 *   stream    N connections; each writes C-byte chunks continuously (at most
 *             --window bytes unechoed per connection) while reading the echo.
 *             Reports echoed MB/s.
 *   connect   W workers; each connects, sends 64 bytes, reads the echo, closes,
 *             and starts over. Reports connections/s.
 *   idle      opens K connections (each checked with one small echo), prints
 *             "READY K", and holds them until a line (or EOF) arrives on stdin or
 *             --hold seconds pass. The caller measures the server meanwhile.
 *
 * Every byte that comes back is compared with what was sent; a difference, an early
 * EOF or a socket error counts as an error (reported, never hidden).
 *
 * Protocol on stdout (line-based, flushed): "START" when the measured window begins
 * (after --warmup seconds of load), "END" when it ends, then one JSON object.
 * The run always stops by itself: the load phase lasts --warmup + --seconds, and the
 * idle hold at most --hold seconds.
 *
 * Build: cc -O2 -o loadgen loadgen.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PERIOD 251u          /* the data pattern repeats every PERIOD bytes */
/* Every send starts at a 64-byte-aligned address of the pattern, and recv() lands in a
 * 64-byte-aligned buffer. The kernel copies with `rep movsb`, which on some x86 cores
 * (AMD Zen measured: 2 GB/s instead of 40) is 20 times slower when the destination is
 * 1 to 31 bytes past the source modulo 4096; from an unaligned source the loadgen's
 * own cost varied by round, and so did what it could measure. */
#define ALIGN 64u
#define ALIGN_INV 51u        /* ALIGN * ALIGN_INV == 1 (mod PERIOD) */
/* 64 KiB per recv(): larger reads measured twice as slow here (the copy to user
 * space stops hitting the cache), which would make the loadgen the bottleneck */
#define RBUF_SIZE (64 * 1024)
#define MAX_EVENTS 256

enum mode { M_PINGPONG, M_STREAM, M_CONNECT, M_IDLE };

static struct {
    enum mode mode;
    int port;
    int conns;
    size_t size;       /* pingpong message size */
    size_t chunk;      /* stream chunk size */
    size_t window;     /* stream: max unechoed bytes per connection */
    double seconds;
    double warmup;
    double hold;
    int cpu;
    int verbose;
} opt = {M_PINGPONG, 0, 10, 1024, 65536, 4u << 20, 2.0, 0.25, 60.0, -1, 0};

static unsigned char *pat;       /* pattern buffer, pat[i] = f(i % PERIOD) */
static size_t pat_len;
static unsigned char *rbuf;
static struct sockaddr_in addr;

/* counters (reset when the measured window starts) */
static uint64_t n_requests, n_bytes_tx, n_bytes_rx, n_connections;
/* errors are never reset: a mismatch during warm-up is still a wrong echo */
static uint64_t n_mismatch, n_eof, n_sockerr, n_connerr;

static int reported_mismatches;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void die(const char *what) {
    fprintf(stderr, "loadgen: %s: %s\n", what, strerror(errno));
    exit(2);
}

/* The 64-byte-aligned offset in the pattern whose data starts as at offset `residue`
 * (the pattern repeats every PERIOD bytes, and ALIGN and PERIOD are coprime). */
static size_t aligned_at(uint64_t residue) {
    return (size_t)(ALIGN * ((residue % PERIOD) * ALIGN_INV % PERIOD));
}

static void *aligned_malloc(size_t len) {
    void *p = NULL;
    return posix_memalign(&p, ALIGN, len) == 0 ? p : NULL;
}

static void make_pattern(size_t need) {
    pat_len = need + ALIGN * PERIOD;
    pat = aligned_malloc(pat_len);
    if (!pat) die("malloc");
    for (size_t i = 0; i < pat_len; i++)
        pat[i] = (unsigned char)(((i % PERIOD) * 13u + 5u) & 0xffu);
}

static void raise_nofile(void) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static void pin_cpu(int cpu) {
    if (cpu < 0) return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0)
        fprintf(stderr, "loadgen: sched_setaffinity(%d): %s (continuing)\n", cpu, strerror(errno));
}

static void set_nonblock(int fd) {
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) die("fcntl");
}

static void set_nodelay(int fd) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static void note_mismatch(int conn, uint64_t at, const unsigned char *got,
                          const unsigned char *want, size_t n) {
    n_mismatch++;
    if (reported_mismatches++ < 5) {
        size_t i = 0;
        while (i < n && got[i] == want[i]) i++;
        fprintf(stderr, "loadgen: conn %d: echo differs at stream byte %llu: got 0x%02x want 0x%02x\n",
                conn, (unsigned long long)(at + i), i < n ? got[i] : 0, i < n ? want[i] : 0);
    }
}

/* A blocking connect with a bounded wait; returns the fd or -1. */
static int connect_blocking(double timeout) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct timeval tv = {(time_t)timeout, (suseconds_t)((timeout - (time_t)timeout) * 1e6)};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    set_nodelay(fd);
    return fd;
}

/* ------------------------------------------------------------------ pingpong/stream */

struct conn {
    int fd;
    int id;
    int dead;
    uint32_t events;      /* current epoll interest */
    uint64_t tx, rx;      /* stream: totals; pingpong: progress within the message */
    uint64_t phase;       /* pattern offset of this connection's data */
    uint64_t msg_no;
};

static int epfd;

static void set_interest(struct conn *c, uint32_t ev) {
    if (c->events == ev) return;
    struct epoll_event e = {.events = ev, .data.ptr = c};
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &e) != 0) die("epoll_ctl");
    c->events = ev;
}

static void kill_conn(struct conn *c) {
    if (c->dead) return;
    c->dead = 1;
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
}

static void sock_error(struct conn *c, const char *what) {
    n_sockerr++;
    if (opt.verbose || n_sockerr <= 3)
        fprintf(stderr, "loadgen: conn %d: %s: %s\n", c->id, what, strerror(errno));
    kill_conn(c);
}

/* pingpong: message k of connection c starts at pattern offset phase(c, k) */
static void pp_new_message(struct conn *c) {
    c->tx = c->rx = 0;
    c->phase = aligned_at((uint64_t)c->id * 37u + c->msg_no * 11u);
    c->msg_no++;
}

static void pp_send(struct conn *c) {
    while (c->tx < opt.size) {
        ssize_t n = send(c->fd, pat + c->phase + c->tx, opt.size - c->tx, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                set_interest(c, EPOLLIN | EPOLLOUT);
                return;
            }
            if (errno == EINTR) continue;
            sock_error(c, "send");
            return;
        }
        c->tx += (uint64_t)n;
        n_bytes_tx += (uint64_t)n;
    }
    set_interest(c, EPOLLIN);
}

static void pp_recv(struct conn *c) {
    for (;;) {
        size_t want = opt.size - c->rx;
        if (want == 0) want = 1;   /* nothing expected: any byte is an extra one */
        if (want > RBUF_SIZE) want = RBUF_SIZE;
        ssize_t n = recv(c->fd, rbuf, want, 0);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            if (errno == EINTR) continue;
            sock_error(c, "recv");
            return;
        }
        if (n == 0) {
            n_eof++;
            if (n_eof <= 3) fprintf(stderr, "loadgen: conn %d: unexpected EOF\n", c->id);
            kill_conn(c);
            return;
        }
        if (c->rx + (uint64_t)n > c->tx ||
            memcmp(rbuf, pat + c->phase + c->rx, (size_t)n) != 0) {
            /* more than was sent, or different bytes */
            unsigned char *want_p = pat + c->phase + c->rx;
            note_mismatch(c->id, c->rx, rbuf, want_p, (size_t)n);
            kill_conn(c);
            return;
        }
        c->rx += (uint64_t)n;
        n_bytes_rx += (uint64_t)n;
        if (c->rx == opt.size) {
            n_requests++;
            pp_new_message(c);
            pp_send(c);
            return;   /* the echo of the new message cannot be here yet */
        }
        /* A short read drained the socket; epoll is level-triggered and reports the
         * rest, so skip the recv() that would only say EAGAIN (the loadgen pays the
         * same per-syscall cost as the server and must not spend more than it). */
        if ((size_t)n < want) return;
    }
}

static void st_pump(struct conn *c) {
    for (;;) {
        uint64_t inflight = c->tx - c->rx;
        if (inflight >= opt.window) {
            set_interest(c, EPOLLIN);
            return;
        }
        size_t len = opt.chunk;
        if (len > opt.window - inflight) len = (size_t)(opt.window - inflight);
        ssize_t n = send(c->fd, pat + aligned_at(c->phase + c->tx), len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                set_interest(c, EPOLLIN | EPOLLOUT);
                return;
            }
            if (errno == EINTR) continue;
            sock_error(c, "send");
            return;
        }
        c->tx += (uint64_t)n;
        n_bytes_tx += (uint64_t)n;
    }
}

static void st_recv(struct conn *c) {
    for (;;) {
        ssize_t n = recv(c->fd, rbuf, RBUF_SIZE, 0);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            if (errno == EINTR) continue;
            sock_error(c, "recv");
            return;
        }
        if (n == 0) {
            n_eof++;
            if (n_eof <= 3) fprintf(stderr, "loadgen: conn %d: unexpected EOF\n", c->id);
            kill_conn(c);
            return;
        }
        size_t off = (size_t)((c->phase + c->rx) % PERIOD);
        if (c->rx + (uint64_t)n > c->tx || memcmp(rbuf, pat + off, (size_t)n) != 0) {
            note_mismatch(c->id, c->rx, rbuf, pat + off, (size_t)n);
            kill_conn(c);
            return;
        }
        c->rx += (uint64_t)n;
        n_bytes_rx += (uint64_t)n;
        if ((size_t)n < RBUF_SIZE) break;   /* drained; level-triggered epoll tells more */
    }
    st_pump(c);
}

static void reset_counters(void) {
    n_requests = n_bytes_tx = n_bytes_rx = n_connections = 0;
}

static void mark(const char *what) {
    printf("%s\n", what);
    fflush(stdout);
}

/* The load phase: warm-up, then the measured window (marked START/END on stdout,
 * counters reset at START); every epoll event goes to on_event. Returns the measured
 * window's length in seconds. */
static double run_window(void (*on_event)(void *ptr, uint32_t events)) {
    struct epoll_event evs[MAX_EVENTS];
    double t0 = now();
    double t_start = t0 + opt.warmup, t_end = t_start + opt.seconds;
    int measuring = 0;
    double t_mark = 0;
    for (;;) {
        double t = now();
        if (!measuring && t >= t_start) {
            reset_counters();
            t_mark = t;
            measuring = 1;
            mark("START");
        }
        if (measuring && t >= t_end) break;
        double until = measuring ? t_end : t_start;
        int ms = (int)((until - t) * 1000.0) + 1;
        if (ms > 100) ms = 100;
        int k = epoll_wait(epfd, evs, MAX_EVENTS, ms);
        if (k < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int i = 0; i < k; i++) on_event(evs[i].data.ptr, evs[i].events);
    }
    double elapsed = now() - t_mark;
    mark("END");
    return elapsed;
}

static void print_result(double elapsed, int alive) {
    double mb = 1024.0 * 1024.0;
    const char *m = opt.mode == M_PINGPONG ? "pingpong" : opt.mode == M_STREAM ? "stream"
                  : opt.mode == M_CONNECT ? "connect" : "idle";
    printf("{\"mode\": \"%s\", \"conns\": %d, \"size\": %zu, \"chunk\": %zu, "
           "\"seconds\": %.6f, \"requests\": %llu, \"connections\": %llu, "
           "\"bytes_tx\": %llu, \"bytes_rx\": %llu, "
           "\"requests_per_s\": %.3f, \"connections_per_s\": %.3f, "
           "\"rx_bytes_per_s\": %.3f, \"rx_mb_per_s\": %.6f, \"alive\": %d, "
           "\"errors\": %llu, \"mismatches\": %llu, \"eofs\": %llu, "
           "\"socket_errors\": %llu, \"connect_errors\": %llu}\n",
           m, opt.conns, opt.size, opt.chunk, elapsed,
           (unsigned long long)n_requests, (unsigned long long)n_connections,
           (unsigned long long)n_bytes_tx, (unsigned long long)n_bytes_rx,
           elapsed > 0 ? n_requests / elapsed : 0.0,
           elapsed > 0 ? n_connections / elapsed : 0.0,
           elapsed > 0 ? n_bytes_rx / elapsed : 0.0,
           elapsed > 0 ? n_bytes_rx / elapsed / mb : 0.0, alive,
           (unsigned long long)(n_mismatch + n_eof + n_sockerr + n_connerr),
           (unsigned long long)n_mismatch, (unsigned long long)n_eof,
           (unsigned long long)n_sockerr, (unsigned long long)n_connerr);
    fflush(stdout);
}

static void pp_st_event(void *ptr, uint32_t ev) {
    struct conn *c = ptr;
    if (c->dead) return;
    if (opt.mode == M_PINGPONG) {
        if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP)) pp_recv(c);
        if (!c->dead && (ev & EPOLLOUT)) pp_send(c);
    } else {
        if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP)) st_recv(c);
        else if (ev & EPOLLOUT) st_pump(c);
    }
}

static int run_established(void) {
    int n = opt.conns;
    struct conn *cs = calloc((size_t)n, sizeof *cs);
    if (!cs) die("calloc");
    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) die("epoll_create1");
    for (int i = 0; i < n; i++) {
        struct conn *c = &cs[i];
        c->id = i;
        c->fd = connect_blocking(5.0);
        if (c->fd < 0) {
            n_connerr++;
            fprintf(stderr, "loadgen: connect %d: %s\n", i, strerror(errno));
            c->dead = 1;
            continue;
        }
        set_nonblock(c->fd);
        struct epoll_event e = {.events = EPOLLIN, .data.ptr = c};
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &e) != 0) die("epoll_ctl");
        c->events = EPOLLIN;
        c->phase = ((uint64_t)i * 37u) % PERIOD;
    }
    for (int i = 0; i < n; i++) {
        struct conn *c = &cs[i];
        if (c->dead) continue;
        if (opt.mode == M_PINGPONG) {
            pp_new_message(c);
            pp_send(c);
        } else {
            st_pump(c);
        }
    }

    double elapsed = run_window(pp_st_event);
    int alive = 0;
    for (int i = 0; i < n; i++) {
        if (!cs[i].dead) {
            alive++;
            close(cs[i].fd);
        }
    }
    print_result(elapsed, alive);
    free(cs);
    return 0;
}

/* ------------------------------------------------------------------ connect */

#define CR_MSG 64

enum cstate { C_CONNECTING, C_READING, C_FAILED };

struct worker {
    int fd;
    int id;
    enum cstate st;
    size_t rx;
    uint64_t phase;
    uint64_t round;
};

/* Source addresses. The loadgen closes first, so each connection leaves a TIME_WAIT
 * entry on its side for a minute; at ~10k+ connections a second from one source
 * address the kernel's ephemeral-port search in connect() walks past so many of them
 * that it becomes the limit (measured here: ~14k/s from 127.0.0.1 alone, ~23k/s spread
 * over 8 addresses, against the same C server). --sources N (default 1: plain
 * 127.0.0.1) binds each socket to 127.0.0.2 ... 127.0.0.N+1, still loopback, with
 * IP_BIND_ADDRESS_NO_PORT so the kernel still picks the port at connect() time and the
 * TIME_WAIT entries never stand in anyone else's way. (Binding explicit ports instead
 * would starve every other process on the machine of ephemeral ports for a minute.) */
static int n_sources = 1;
static unsigned source_next;

/* A non-blocking socket with connect() started; -1 with errno set on failure. */
static int cr_socket(void) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    if (n_sources > 1) {
        int one = 1;
        struct sockaddr_in src = addr;
        src.sin_port = 0;
        src.sin_addr.s_addr = htonl(INADDR_LOOPBACK + 1u + source_next++ % (unsigned)n_sources);
        setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
        if (bind(fd, (struct sockaddr *)&src, sizeof src) != 0) {
            int err = errno;
            close(fd);
            errno = err;
            return -1;
        }
    }
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0 || errno == EINPROGRESS)
        return fd;
    int err = errno;
    close(fd);
    errno = err;
    return -1;
}

/* Kept lean on purpose: the loadgen pays for its half of every handshake and must not
 * spend more syscalls per connection than it has to (no TCP_NODELAY: one 64-byte send
 * is never delayed; no EPOLL_CTL_DEL: close() removes the fd from epoll). */
static void cr_start(struct worker *w) {
    for (int attempt = 0;; attempt++) {
        w->rx = 0;
        w->phase = aligned_at((uint64_t)w->id * 37u + w->round * 11u);
        w->round++;
        w->fd = cr_socket();
        if (w->fd >= 0) {
            /* on loopback the handshake has usually completed inside connect() */
            ssize_t n = send(w->fd, pat + w->phase, CR_MSG, MSG_NOSIGNAL);
            struct epoll_event e = {.data.ptr = w};
            if (n == CR_MSG) {
                n_bytes_tx += CR_MSG;
                w->st = C_READING;
                e.events = EPOLLIN;
            } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOTCONN) {
                /* refused or reset: count it, and start over from the event loop */
                n_connerr++;
                if (n_connerr <= 3) fprintf(stderr, "loadgen: connect: %s\n", strerror(errno));
                w->st = C_FAILED;
                e.events = EPOLLOUT;
            } else {
                w->st = C_CONNECTING;
                e.events = EPOLLOUT;
            }
            if (epoll_ctl(epfd, EPOLL_CTL_ADD, w->fd, &e) != 0) die("epoll_ctl");
            return;
        }
        n_connerr++;
        if (n_connerr <= 3) fprintf(stderr, "loadgen: connect: %s\n", strerror(errno));
        if (attempt > 50) die("connect keeps failing");
        usleep(1000);
    }
}

static void cr_restart(struct worker *w) {
    close(w->fd);
    cr_start(w);
}

static void cr_event(void *ptr, uint32_t ev) {
    struct worker *w = ptr;
    if (w->st == C_FAILED) {
        usleep(100);   /* nobody listening: do not spin flat out */
        cr_restart(w);
        return;
    }
    if (w->st == C_CONNECTING) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(w->fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
            n_connerr++;
            if (n_connerr <= 3) fprintf(stderr, "loadgen: connect: %s\n", strerror(err));
            cr_restart(w);
            return;
        }
        ssize_t n = send(w->fd, pat + w->phase, CR_MSG, MSG_NOSIGNAL);
        if (n != CR_MSG) {   /* 64 bytes always fit in a fresh socket's buffer */
            n_sockerr++;
            cr_restart(w);
            return;
        }
        n_bytes_tx += CR_MSG;
        w->st = C_READING;
        struct epoll_event e = {.events = EPOLLIN, .data.ptr = w};
        if (epoll_ctl(epfd, EPOLL_CTL_MOD, w->fd, &e) != 0) die("epoll_ctl");
        return;
    }
    (void)ev;
    for (;;) {
        ssize_t n = recv(w->fd, rbuf, CR_MSG - w->rx, 0);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            if (errno == EINTR) continue;
            n_sockerr++;
            if (n_sockerr <= 3) fprintf(stderr, "loadgen: recv: %s\n", strerror(errno));
            cr_restart(w);
            return;
        }
        if (n == 0) {
            n_eof++;
            if (n_eof <= 3) fprintf(stderr, "loadgen: worker %d: unexpected EOF\n", w->id);
            cr_restart(w);
            return;
        }
        if (memcmp(rbuf, pat + w->phase + w->rx, (size_t)n) != 0) {
            note_mismatch(w->id, w->rx, rbuf, pat + w->phase + w->rx, (size_t)n);
            cr_restart(w);
            return;
        }
        w->rx += (size_t)n;
        n_bytes_rx += (uint64_t)n;
        if (w->rx == CR_MSG) {
            n_connections++;
            cr_restart(w);
            return;
        }
    }
}

static int run_connect(void) {
    int n = opt.conns;
    struct worker *ws = calloc((size_t)n, sizeof *ws);
    if (!ws) die("calloc");
    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) die("epoll_create1");
    for (int i = 0; i < n; i++) {
        ws[i].id = i;
        cr_start(&ws[i]);
    }
    double elapsed = run_window(cr_event);
    for (int i = 0; i < n; i++) close(ws[i].fd);
    print_result(elapsed, n);
    free(ws);
    return 0;
}

/* ------------------------------------------------------------------ idle */

static int run_idle(void) {
    int n = opt.conns;
    int *fds = malloc((size_t)n * sizeof *fds);
    if (!fds) die("malloc");
    int open_ok = 0;
    double t0 = now();
    const size_t ping = 16;
    for (int i = 0; i < n; i++) {
        if (now() - t0 > opt.hold) {
            fprintf(stderr, "loadgen: idle: gave up opening after %.1f s\n", opt.hold);
            break;
        }
        int fd = connect_blocking(5.0);
        if (fd < 0) {
            n_connerr++;
            if (n_connerr <= 3) fprintf(stderr, "loadgen: idle connect %d: %s\n", i, strerror(errno));
            continue;
        }
        /* one small echo per connection: proves the server accepted and serves it */
        size_t phase = ((size_t)i * 37u) % PERIOD;
        size_t got = 0;
        int bad = 0;
        if (send(fd, pat + phase, ping, MSG_NOSIGNAL) != (ssize_t)ping) {
            n_sockerr++;
            bad = 1;
        }
        while (!bad && got < ping) {
            ssize_t r = recv(fd, rbuf + got, ping - got, 0);
            if (r <= 0) {
                if (r < 0 && errno == EINTR) continue;
                if (r == 0) n_eof++; else n_sockerr++;
                bad = 1;
                break;
            }
            got += (size_t)r;
        }
        if (!bad && memcmp(rbuf, pat + phase, ping) != 0) {
            note_mismatch(i, 0, rbuf, pat + phase, ping);
            bad = 1;
        }
        if (bad) {
            close(fd);
            continue;
        }
        n_bytes_tx += ping;
        n_bytes_rx += ping;
        fds[open_ok++] = fd;
    }
    double t_open = now() - t0;
    n_connections = (uint64_t)open_ok;
    printf("READY %d\n", open_ok);
    fflush(stdout);

    /* hold until the caller writes a line / closes stdin, or --hold seconds pass */
    struct pollfd p = {.fd = 0, .events = POLLIN};
    double t_hold = now();
    for (;;) {
        double left = opt.hold - (now() - t_hold);
        if (left <= 0) break;
        int r = poll(&p, 1, (int)(left * 1000) + 1);
        if (r < 0 && errno == EINTR) continue;
        break;
    }
    for (int i = 0; i < open_ok; i++) close(fds[i]);
    free(fds);
    print_result(t_open, open_ok);
    return 0;
}

/* ------------------------------------------------------------------ main */

static void usage(void) {
    fprintf(stderr,
            "usage: loadgen --mode pingpong|stream|connect|idle --port P [--conns N]\n"
            "               [--size S] [--chunk C] [--window W] [--seconds D] [--warmup W]\n"
            "               [--hold H] [--cpu K] [--sources N] [--verbose]\n");
    exit(2);
}

int main(int argc, char **argv) {
    static struct option lo[] = {
        {"mode", required_argument, 0, 'm'},    {"port", required_argument, 0, 'p'},
        {"conns", required_argument, 0, 'n'},   {"size", required_argument, 0, 's'},
        {"chunk", required_argument, 0, 'c'},   {"window", required_argument, 0, 'w'},
        {"seconds", required_argument, 0, 'd'}, {"warmup", required_argument, 0, 'u'},
        {"hold", required_argument, 0, 'h'},    {"cpu", required_argument, 0, 'k'},
        {"verbose", no_argument, 0, 'v'},       {"sources", required_argument, 0, 'S'},
        {0, 0, 0, 0}};
    int ch;
    while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        switch (ch) {
        case 'm':
            if (!strcmp(optarg, "pingpong")) opt.mode = M_PINGPONG;
            else if (!strcmp(optarg, "stream")) opt.mode = M_STREAM;
            else if (!strcmp(optarg, "connect")) opt.mode = M_CONNECT;
            else if (!strcmp(optarg, "idle")) opt.mode = M_IDLE;
            else usage();
            break;
        case 'p': opt.port = atoi(optarg); break;
        case 'n': opt.conns = atoi(optarg); break;
        case 's': opt.size = (size_t)strtoull(optarg, NULL, 10); break;
        case 'c': opt.chunk = (size_t)strtoull(optarg, NULL, 10); break;
        case 'w': opt.window = (size_t)strtoull(optarg, NULL, 10); break;
        case 'd': opt.seconds = atof(optarg); break;
        case 'u': opt.warmup = atof(optarg); break;
        case 'h': opt.hold = atof(optarg); break;
        case 'k': opt.cpu = atoi(optarg); break;
        case 'v': opt.verbose = 1; break;
        case 'S': n_sources = atoi(optarg); break;
        default: usage();
        }
    }
    if (opt.port <= 0 || opt.port > 65535 || opt.conns <= 0 || opt.size == 0 ||
        opt.chunk == 0 || opt.window == 0 || opt.seconds <= 0 || opt.seconds > 600 ||
        opt.warmup < 0 || opt.warmup > 60 || opt.hold <= 0 || opt.hold > 600 ||
        n_sources < 1 || n_sources > 250)
        usage();

    signal(SIGPIPE, SIG_IGN);
    raise_nofile();
    pin_cpu(opt.cpu);
    /* a hard stop in case anything hangs: the run always ends by itself */
    alarm((unsigned)(opt.warmup + opt.seconds + opt.hold + 60));

    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)opt.port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);   /* 127.0.0.1 only */

    size_t need = opt.size;
    if (opt.chunk > need) need = opt.chunk;
    if (RBUF_SIZE > need) need = RBUF_SIZE;
    make_pattern(need);
    rbuf = aligned_malloc(RBUF_SIZE);
    if (!rbuf) die("malloc");

    switch (opt.mode) {
    case M_PINGPONG:
    case M_STREAM: return run_established();
    case M_CONNECT: return run_connect();
    case M_IDLE: return run_idle();
    }
    return 0;
}
