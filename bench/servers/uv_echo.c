/*
 * uv_echo: the C ceiling for the echo benchmarks. A plain libuv TCP echo server on
 * 127.0.0.1: every read is written straight back (uv_try_write first; whatever does
 * not fit is copied into a write request), reads share one per-loop buffer, and a
 * connection stops reading while more than HIGH_WATER bytes wait to be written.
 *
 * Usage: uv_echo PORT   (0 = any free port); prints "LISTENING <port>" when ready.
 * Build: cc -O2 uv_echo.c $(pkg-config --cflags --libs libuv)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/resource.h>
#include <uv.h>

#define READ_BUF_SIZE (64 * 1024)
#define HIGH_WATER (1024 * 1024)

static uv_loop_t *loop;
static char read_buf[READ_BUF_SIZE];   /* one buffer for the whole loop */
static int buf_busy;

typedef struct {
    uv_tcp_t tcp;
    int reading;
} client_t;

typedef struct {
    uv_write_t req;
    uv_buf_t buf;
} pending_write_t;

static void on_close(uv_handle_t *h) { free(h); }

static void close_client(client_t *c) {
    if (!uv_is_closing((uv_handle_t *)&c->tcp)) uv_close((uv_handle_t *)&c->tcp, on_close);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
    (void)h;
    (void)suggested;
    if (buf_busy) {           /* never happens with one loop thread; be safe anyway */
        *buf = uv_buf_init(NULL, 0);
        return;
    }
    buf_busy = 1;
    *buf = uv_buf_init(read_buf, sizeof read_buf);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);

static void maybe_resume(client_t *c) {
    if (!c->reading && uv_stream_get_write_queue_size((uv_stream_t *)&c->tcp) < HIGH_WATER &&
        !uv_is_closing((uv_handle_t *)&c->tcp)) {
        if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0) c->reading = 1;
    }
}

static void on_write(uv_write_t *req, int status) {
    pending_write_t *w = (pending_write_t *)req;
    client_t *c = (client_t *)req->handle;
    free(w->buf.base);
    free(w);
    if (status < 0) {
        close_client(c);
        return;
    }
    maybe_resume(c);
}

static void on_shutdown(uv_shutdown_t *req, int status) {
    (void)status;
    close_client((client_t *)req->handle);
    free(req);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf) {
    client_t *c = (client_t *)s;
    if (buf->base == read_buf) buf_busy = 0;
    if (nread == 0) return;
    if (nread < 0) {
        if (nread == UV_EOF) {
            uv_read_stop(s);
            c->reading = 0;
            uv_shutdown_t *req = malloc(sizeof *req);
            if (req && uv_shutdown(req, s, on_shutdown) == 0) return;
            free(req);
        }
        close_client(c);
        return;
    }
    uv_buf_t out = uv_buf_init(buf->base, (unsigned int)nread);
    int n = uv_try_write(s, &out, 1);
    if (n == UV_EAGAIN) n = 0;
    if (n < 0) {
        close_client(c);
        return;
    }
    if (n == nread) return;
    /* the rest does not fit now: copy it out of the shared buffer and queue it */
    size_t rest = (size_t)(nread - n);
    pending_write_t *w = malloc(sizeof *w);
    char *copy = malloc(rest);
    if (!w || !copy) {
        free(w);
        free(copy);
        close_client(c);
        return;
    }
    memcpy(copy, buf->base + n, rest);
    w->buf = uv_buf_init(copy, (unsigned int)rest);
    if (uv_write(&w->req, s, &w->buf, 1, on_write) != 0) {
        free(copy);
        free(w);
        close_client(c);
        return;
    }
    if (uv_stream_get_write_queue_size(s) >= HIGH_WATER) {
        uv_read_stop(s);
        c->reading = 0;
    }
}

static void on_connection(uv_stream_t *server, int status) {
    if (status < 0) return;
    client_t *c = calloc(1, sizeof *c);
    if (!c) return;
    uv_tcp_init(loop, &c->tcp);
    if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0) {
        uv_close((uv_handle_t *)&c->tcp, on_close);
        return;
    }
    uv_tcp_nodelay(&c->tcp, 1);
    if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0) c->reading = 1;
}

static void on_signal(uv_signal_t *h, int signum) {
    (void)signum;
    uv_stop(h->loop);
}

int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 0;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    signal(SIGPIPE, SIG_IGN);
    loop = uv_default_loop();

    uv_tcp_t server;
    struct sockaddr_in addr;
    uv_tcp_init(loop, &server);
    uv_ip4_addr("127.0.0.1", port, &addr);
    int r = uv_tcp_bind(&server, (const struct sockaddr *)&addr, 0);
    if (r == 0) r = uv_listen((uv_stream_t *)&server, 511, on_connection);
    if (r != 0) {
        fprintf(stderr, "uv_echo: listen: %s\n", uv_strerror(r));
        return 1;
    }
    struct sockaddr_storage bound;
    int len = sizeof bound;
    uv_tcp_getsockname(&server, (struct sockaddr *)&bound, &len);

    uv_signal_t sigterm, sigint;
    uv_signal_init(loop, &sigterm);
    uv_signal_start(&sigterm, on_signal, SIGTERM);
    uv_signal_init(loop, &sigint);
    uv_signal_start(&sigint, on_signal, SIGINT);

    printf("LISTENING %d libuv=%s\n", ntohs(((struct sockaddr_in *)&bound)->sin_port),
           uv_version_string());
    fflush(stdout);
    uv_run(loop, UV_RUN_DEFAULT);
    return 0;
}
