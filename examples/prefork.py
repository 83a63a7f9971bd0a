"""A pre-forked echo server: one parent, N worker processes, each running a pyuv_net
server on the same port.

Run:
    python examples/prefork.py --workers 4 --port 8124
    python examples/prefork.py --workers 4 --port 8124 --reuse-port   (Linux)

Talk to it with e.g. `nc 127.0.0.1 8124`: the first line you get names the worker
process that took your connection (`hello from worker <pid>`); after that the worker
echoes whatever you send.

Two ways to share the port (POSIX only: the workers are made with os.fork()):

* default (shared listening socket): the parent creates, binds and listens on one
  socket with Python's `socket` module, then forks. Every worker hands that inherited
  descriptor to pyuv_net with `server.listen({'fd': fd})` and accepts from the same
  queue, like Node's cluster module in its "shared handle" mode.
* `--reuse-port`: every worker binds its own listening socket with
  `server.listen({'port': port, 'host': host, 'reuse_port': True})` and the kernel
  spreads new connections over them (SO_REUSEPORT; Linux, and the BSDs with a different
  balancing). With `--port 0` the parent reserves a free port first (a socket bound
  with SO_REUSEPORT but not listening, so it never receives connections) and gives
  its number to the workers.

Once all workers are listening the parent prints one line that scripts can parse:

    prefork: listening host=127.0.0.1 port=8124 workers=4 mode=shared-fd pids=101,102,103,104

Ctrl-C (SIGINT) or SIGTERM stops everything cleanly: the parent forwards SIGTERM to
the workers; each worker closes its server, ends its open connections (destroying
those still open after --grace seconds) and exits 0 once its loop is empty; the
parent reaps every worker and exits 0 (1 if a worker had to be killed or failed).
"""
from __future__ import annotations

import argparse
import os
import select
import signal
import socket
import sys
import time
from types import FrameType
from typing import Any, Callable, Dict, List, Optional, Sequence, Set, Tuple

import pyuv_net as net


# -- the worker ---------------------------------------------------------------------

def worker_main(listen_options: Dict[str, Any], ready_fd: int, grace: float, greeting: bool = True) -> int:
    """Runs in a forked child: serves until SIGTERM/SIGINT, then returns an exit code."""
    pid = os.getpid()
    connections: Set[net.Socket] = set()
    state = {"stopping": False, "served": 0}

    def on_connection(sock: net.Socket) -> None:
        state["served"] += 1
        connections.add(sock)
        sock.on("close", lambda had_error: connections.discard(sock))
        sock.on("error", lambda err: None)  # a peer resetting is not the worker's problem
        if greeting:
            sock.write("hello from worker %d\r\n" % pid)
        sock.pipe(sock)  # echo

    server = net.create_server(on_connection)

    def on_listening() -> None:
        print("prefork: worker %d listening on %s" % (pid, server.address()), flush=True)
        os.write(ready_fd, b"%d\n" % pid)
        os.close(ready_fd)

    def on_error(err: BaseException) -> None:
        print("prefork: worker %d: %s" % (pid, err), file=sys.stderr, flush=True)
        raise err  # comes out of net.run(): the worker exits with 1

    server.on("listening", on_listening)
    server.on("error", on_error)

    def stop(signum: int, frame: Optional[FrameType]) -> None:
        # Python runs this promptly even while net.run() waits (the loop wakes on the
        # signal wake-up fd). Calling into pyuv_net from here is calling it on the
        # loop's own thread, so it is allowed.
        if state["stopping"]:
            return
        state["stopping"] = True
        print("prefork: worker %d stopping (%s), served %d connection(s)"
              % (pid, signal.Signals(signum).name, state["served"]), flush=True)
        server.close()
        for sock in list(connections):
            sock.end()
        # connections whose peer does not close within the grace period are destroyed
        net.set_timeout(lambda: [s.destroy() for s in list(connections)],
                        int(grace * 1000)).unref()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    # the parent forked us with these blocked (see start_worker): our handlers are in
    # place, so a stop request that came meanwhile is delivered now
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)

    server.listen(listen_options)
    net.run()  # returns once the server is closed and every connection has ended
    return 0


_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def exit_code(status: int) -> int:
    """os.waitpid's status as a return code (negative: killed by that signal)."""
    if os.WIFSIGNALED(status):
        return -os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


class Supervisor:
    """The parent's side: forks the workers, waits for signals and dead children, and
    stops everything.

    The signal handlers only record what happened; the waiting happens in select()
    on a pipe that Python's signal machinery writes to (signal.set_wakeup_fd), so a
    signal can never interrupt the bookkeeping half-way (a worker reaped but not yet
    forgotten, a pid not yet recorded)."""

    def __init__(self, grace: float, greeting: bool = True) -> None:
        self.grace = grace
        self.greeting = greeting
        self.workers: Set[int] = set()
        self.stop_signal: Optional[int] = None
        self.clean = True
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)

    # -- signals ------------------------------------------------------------------

    def install(self) -> None:
        signal.set_wakeup_fd(self._wake_w)
        signal.signal(signal.SIGINT, self._on_stop)
        signal.signal(signal.SIGTERM, self._on_stop)
        signal.signal(signal.SIGCHLD, self._on_child)  # only to wake select() up

    def _on_stop(self, signum: int, frame: Optional[FrameType]) -> None:
        if self.stop_signal is None:
            self.stop_signal = signum

    def _on_child(self, signum: int, frame: Optional[FrameType]) -> None:
        pass

    def _forget_in_child(self) -> None:
        """In a new worker: drop everything of the parent's signal set-up."""
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.close(self._wake_r)
        os.close(self._wake_w)

    def wait(self, fds: Sequence[int], timeout: Optional[float]) -> List[int]:
        """Waits until one of `fds` is readable, a signal arrives or `timeout` passes;
        returns the readable ones among `fds`."""
        readable, _, _ = select.select([self._wake_r] + list(fds), [], [], timeout)
        if self._wake_r in readable:
            try:
                while os.read(self._wake_r, 512):
                    pass
            except BlockingIOError:
                pass
        return [fd for fd in readable if fd != self._wake_r]

    # -- workers ------------------------------------------------------------------

    def start_worker(self, listen_options: Callable[[], Dict[str, Any]],
                     close_in_child: Sequence[socket.socket]) -> int:
        """Forks one worker; returns the read end of its readiness pipe. SIGINT and
        SIGTERM stay blocked across fork() until the child has its own handlers, so a
        Ctrl-C during start-up is not lost in a new worker."""
        ready_r, ready_w = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
        try:
            pid = os.fork()
            if pid == 0:  # the child
                code = 1
                try:
                    self._forget_in_child()
                    os.close(ready_r)
                    for s in close_in_child:
                        s.close()
                    code = worker_main(listen_options(), ready_w, self.grace, self.greeting)
                except BaseException as exc:  # noqa: B902 - report anything, then exit
                    print("prefork: worker %d failed: %r" % (os.getpid(), exc), file=sys.stderr)
                finally:
                    sys.stdout.flush()
                    sys.stderr.flush()
                    os._exit(code)  # never run the parent's cleanup code in the child
            self.workers.add(pid)
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
        os.close(ready_w)
        return ready_r

    def reap(self) -> List[Tuple[int, int]]:
        """Collects every worker that has exited; returns [(pid, code)]."""
        done: List[Tuple[int, int]] = []
        while self.workers:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            if pid in self.workers:
                self.workers.discard(pid)
                done.append((pid, exit_code(status)))
        return done

    def wait_ready(self, ready_fds: Sequence[int], timeout: float) -> Optional[List[int]]:
        """Waits until every worker reported 'listening'; returns their pids (None if
        a stop signal came first)."""
        pids: List[int] = []
        deadline = time.monotonic() + timeout
        pending = list(ready_fds)
        try:
            while pending and self.stop_signal is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise RuntimeError("workers did not start listening within %.0f s" % timeout)
                for fd in self.wait(pending, left):
                    data = os.read(fd, 64)
                    pending.remove(fd)
                    os.close(fd)
                    if not data:
                        raise RuntimeError("a worker exited before listening")
                    pids.append(int(data))
        finally:
            for fd in pending:
                os.close(fd)
        return pids if self.stop_signal is None else None

    def serve(self) -> None:
        """Until a stop signal, or until no worker is left."""
        while self.workers and self.stop_signal is None:
            self.wait([], None)
            if self.stop_signal is not None:
                # a Ctrl-C reaches the workers too: those already gone are reaped by
                # stop(), as stopped workers, not as crashed ones
                break
            for pid, code in self.reap():
                self.clean = False
                print("prefork: worker %d exited unexpectedly (%d)" % (pid, code),
                      file=sys.stderr, flush=True)
        if not self.workers:
            print("prefork: no worker left", file=sys.stderr, flush=True)

    def stop(self) -> None:
        """SIGTERM to every live worker and reap them; SIGKILL what is left after the
        grace period plus a margin."""
        for pid in self.workers:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + self.grace + 3.0
        while self.workers:
            for pid, code in self.reap():
                if code != 0:
                    self.clean = False
                    print("prefork: worker %d exited with %d" % (pid, code), file=sys.stderr,
                          flush=True)
            if not self.workers:
                break
            left = deadline - time.monotonic()
            if left <= 0:
                for pid in self.workers:
                    print("prefork: killing worker %d" % pid, file=sys.stderr, flush=True)
                    os.kill(pid, signal.SIGKILL)
                self.clean = False
                deadline = float("inf")
                left = 0.1
            self.wait([], min(left, 0.5))


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-w", "--workers", type=int, default=os.cpu_count() or 2,
                        help="how many worker processes (default: the number of CPUs)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("-p", "--port", type=int, default=8124, help="port (0: any free one)")
    parser.add_argument("--reuse-port", action="store_true",
                        help="each worker binds the port itself with reuse_port=True")
    parser.add_argument("--backlog", type=int, default=511)
    parser.add_argument("--grace", type=float, default=2.0,
                        help="seconds a stopping worker waits for open connections")
    parser.add_argument("--no-greeting", action="store_true",
                        help="a plain echo (no 'hello from worker' line), e.g. for benchmarks")
    args = parser.parse_args(argv)
    if not hasattr(os, "fork"):
        parser.error("this example forks its workers: it needs a POSIX system")
    if args.workers < 1:
        parser.error("--workers must be at least 1")

    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    placeholder = socket.socket(family, socket.SOCK_STREAM)
    placeholder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if args.reuse_port:
        if not hasattr(socket, "SO_REUSEPORT"):
            parser.error("--reuse-port needs SO_REUSEPORT, which this system lacks")
        # Reserve the port: bound with SO_REUSEPORT but never listening, so the kernel
        # never hands it a connection; the workers' sockets join its group.
        placeholder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    placeholder.bind((args.host, args.port))
    port = placeholder.getsockname()[1]
    if args.reuse_port:
        mode = "reuse-port"

        def listen_options() -> Dict[str, Any]:
            return {"port": port, "host": args.host, "reuse_port": True,
                    "backlog": args.backlog}
        close_in_child = [placeholder]
    else:
        mode = "shared-fd"
        placeholder.listen(args.backlog)

        def listen_options() -> Dict[str, Any]:
            # the child owns its copy of the descriptor: pyuv_net takes it over
            return {"fd": placeholder.detach(), "backlog": args.backlog}
        close_in_child = []

    supervisor = Supervisor(args.grace, greeting=not args.no_greeting)
    supervisor.install()  # a signal from here on stops everything
    try:
        ready = [supervisor.start_worker(listen_options, close_in_child)
                 for _ in range(args.workers)]
        if mode == "shared-fd":
            placeholder.close()  # the workers hold the listening socket now
        pids = supervisor.wait_ready(ready, timeout=30)
        if pids is not None:
            print("prefork: listening host=%s port=%d workers=%d mode=%s pids=%s"
                  % (args.host, port, len(pids), mode, ",".join(str(p) for p in sorted(pids))),
                  flush=True)
            supervisor.serve()
    except Exception as exc:
        print("prefork: %s" % exc, file=sys.stderr, flush=True)
        supervisor.clean = False
    finally:
        if supervisor.stop_signal is not None:
            print("prefork: %s: stopping %d worker(s)"
                  % (signal.Signals(supervisor.stop_signal).name, len(supervisor.workers)),
                  flush=True)
        supervisor.stop()
        placeholder.close()
    print("prefork: all workers stopped%s" % ("" if supervisor.clean else " (not cleanly)"),
          flush=True)
    return 0 if supervisor.clean else 1


if __name__ == "__main__":
    sys.exit(main())
