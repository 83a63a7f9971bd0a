#!/usr/bin/env python3
"""Echo-server benchmark: pyuv_net beside Node, uvloop, asyncio and a plain libuv C server.

    make bench                      # default: 3 interleaved rounds, 2 s per run
    make bench BENCH_ARGS=--quick   # smoke run: 1 round, 0.5 s per run, 1,000 idle conns
    BENCH_ROUNDS=5 BENCH_SECONDS=3 make bench
    python bench/run.py --servers node,pyuv_net-data --scenarios pp-1k-10

Each run starts a fresh server pinned to CPU 0 and the C load generator (bench/loadgen.c)
pinned to CPU 1, on 127.0.0.1 only. Rounds are interleaved (every scenario x every server
once per round, server order rotated each round) and each cell is the median over the
rounds. The load generator checks every echoed byte; any mismatch, early EOF or socket
error is counted and reported, and makes the command exit 1.

The table is printed as markdown and saved with every raw run as JSON in bench/results/.
"""
import argparse
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
BIN = os.path.join(BENCH, "bin")
SERVERS_DIR = os.path.join(BENCH, "servers")
RESULTS = os.path.join(BENCH, "results")
PEERS = os.path.join(BENCH, ".venv-peers")
MAIN_PY = os.path.join(ROOT, ".venv", "bin", "python")
PEERS_PY = os.path.join(PEERS, "bin", "python")
PYPY_VENV = os.path.join(ROOT, ".venv-pypy3")   # what `make setup PYTHON=pypy3` makes
PYPY_PY = os.path.join(PYPY_VENV, "bin", "python")
PYPY_WARMUP = 1.5  # extra seconds of load before measuring, for PyPy's JIT

SERVER_CPU = 0
LOADGEN_CPU = 1
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- scenarios

class Scenario:
    def __init__(self, key, title, mode, args, metric, unit, higher_is_better=True):
        self.key, self.title, self.mode, self.args = key, title, mode, args
        self.metric, self.unit, self.higher_is_better = metric, unit, higher_is_better


def scenarios(idle_conns):
    return [
        Scenario("pp-1k-10", "ping-pong 1 KiB, 10 conns", "pingpong",
                 ["--conns", "10", "--size", "1024"], "requests_per_s", "req/s"),
        Scenario("pp-1k-100", "ping-pong 1 KiB, 100 conns", "pingpong",
                 ["--conns", "100", "--size", "1024"], "requests_per_s", "req/s"),
        Scenario("pp-16k-10", "ping-pong 16 KiB, 10 conns", "pingpong",
                 ["--conns", "10", "--size", "16384"], "requests_per_s", "req/s"),
        Scenario("pp-100k-10", "ping-pong 100 KiB, 10 conns", "pingpong",
                 ["--conns", "10", "--size", "102400"], "requests_per_s", "req/s"),
        Scenario("stream-64k-4", "streaming 64 KiB chunks, 4 conns", "stream",
                 ["--conns", "4", "--chunk", "65536"], "rx_mb_per_s", "MB/s"),
        Scenario("connect-10", "connect+echo+close, 10 workers", "connect",
                 ["--conns", "10"], "connections_per_s", "conn/s"),
        Scenario("idle-%d" % idle_conns, "memory per idle conn (%d conns, lower is better)"
                 % idle_conns, "idle", ["--conns", str(idle_conns)], "bytes_per_conn",
                 "B/conn", higher_is_better=False),
    ]


# --------------------------------------------------------------------------- servers

class Server:
    def __init__(self, key, title, argv, needs_peers=False, needs_pypy=False):
        self.key, self.title, self.argv, self.needs_peers = key, title, argv, needs_peers
        self.needs_pypy = needs_pypy
        self.warmup = PYPY_WARMUP if needs_pypy else 0.0
        self.unavailable = None   # reason, when the server cannot run here


def servers():
    aio = os.path.join(SERVERS_DIR, "aio_echo.py")
    pyuv = os.path.join(SERVERS_DIR, "pyuv_net_echo.py")
    return [
        Server("pyuv_net-data", "pyuv_net data", [MAIN_PY, pyuv, "data", "0"]),
        Server("pyuv_net-pipe", "pyuv_net pipe", [MAIN_PY, pyuv, "pipe", "0"]),
        Server("pyuv_net-data-pypy", "pyuv_net data (PyPy)", [PYPY_PY, pyuv, "data", "0"],
               needs_pypy=True),
        Server("node", "Node net", ["node", os.path.join(SERVERS_DIR, "node_echo.js"), "0"]),
        Server("uvloop-proto", "uvloop Protocol", [PEERS_PY, aio, "uvloop", "protocol", "0"],
               needs_peers=True),
        Server("uvloop-streams", "uvloop streams", [PEERS_PY, aio, "uvloop", "streams", "0"],
               needs_peers=True),
        Server("asyncio-proto", "asyncio Protocol", [MAIN_PY, aio, "asyncio", "protocol", "0"]),
        Server("asyncio-streams", "asyncio streams", [MAIN_PY, aio, "asyncio", "streams", "0"]),
        Server("libuv-c", "libuv C", [os.path.join(BIN, "uv_echo"), "0"]),
    ]


# --------------------------------------------------------------------------- set-up

def log(msg):
    print(msg, file=sys.stderr, flush=True)


def build_c():
    os.makedirs(BIN, exist_ok=True)
    cc = os.environ.get("CC", "cc")

    def stale(out, src):
        return not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src)

    loadgen, src = os.path.join(BIN, "loadgen"), os.path.join(BENCH, "loadgen.c")
    if stale(loadgen, src):
        log("bench: building %s" % loadgen)
        subprocess.run([cc, "-O2", "-Wall", "-o", loadgen, src], check=True)
    uv_echo, src = os.path.join(BIN, "uv_echo"), os.path.join(SERVERS_DIR, "uv_echo.c")
    if stale(uv_echo, src):
        log("bench: building %s" % uv_echo)
        flags = subprocess.run(["pkg-config", "--cflags", "--libs", "libuv"], check=True,
                               capture_output=True, text=True).stdout.split()
        subprocess.run([cc, "-O2", "-Wall", "-o", uv_echo, src] + flags, check=True)


def setup_pypy():
    """Builds pyuv_net for PyPy into .venv-pypy3 when pypy3 is installed, or rebuilds
    it when the C side changed since (bootstrap.sh decides, as for `make test`: an
    extension older than csrc/ would run new Python against old C); returns None or
    the reason it cannot."""
    if not shutil.which("pypy3"):
        return "pypy3 not installed (apt-get install pypy3 pypy3-dev)"
    r = subprocess.run([os.path.join(ROOT, "scripts", "bootstrap.sh"), "pypy3", PYPY_VENV],
                       capture_output=True, text=True)
    if r.returncode != 0:
        tail = (r.stderr or r.stdout).strip().splitlines()[-1:] or ["bootstrap failed"]
        return "PyPy build failed: %s" % tail[0][:120]
    return None


def setup_peers():
    """Makes bench/.venv-peers with uvloop; returns None or the reason it cannot."""
    check = [PEERS_PY, "-c", "import uvloop"]
    if os.path.exists(PEERS_PY) and subprocess.run(check, capture_output=True).returncode == 0:
        return None
    base = getattr(sys, "_base_executable", None) or sys.executable
    log("bench: creating %s with uvloop (pip install uvloop)" % PEERS)
    try:
        if not os.path.exists(PEERS_PY):
            subprocess.run([base, "-m", "venv", PEERS], check=True, capture_output=True,
                           text=True, timeout=300)
        r = subprocess.run([PEERS_PY, "-m", "pip", "install", "-q", "uvloop"],
                           capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            tail = (r.stderr or r.stdout).strip().splitlines()[-1:] or ["pip failed"]
            return "pip install uvloop failed: %s" % tail[0][:120]
    except (OSError, subprocess.SubprocessError) as e:
        return "could not set up %s: %s" % (os.path.basename(PEERS), e)
    if subprocess.run(check, capture_output=True).returncode != 0:
        return "uvloop does not import in %s" % os.path.basename(PEERS)
    return None


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 20
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def out(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def machine_info(peers_reason):
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    info = {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "kernel": platform.release(),
        "python": out([MAIN_PY, "-c", "import sys; print(sys.version.split()[0])"]),
        "pyuv_net": out([MAIN_PY, "-c", "import pyuv_net; print(pyuv_net.__version__)"]),
        "node": out(["node", "--version"]),
        "node_libuv": out(["node", "-p", "process.versions.uv"]),
        "libuv_system": out(["pkg-config", "--modversion", "libuv"]),
        "uvloop": (out([PEERS_PY, "-c", "import uvloop; print(uvloop.__version__)"])
                   if peers_reason is None else "n/a (%s)" % peers_reason),
        "nofile": resource.getrlimit(resource.RLIMIT_NOFILE)[0],
        "server_cpu": SERVER_CPU,
        "loadgen_cpu": LOADGEN_CPU,
    }
    return info


# --------------------------------------------------------------------------- /proc

def cpu_times(pid):
    """(user, system) CPU ticks of a process, or None."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            data = f.read()
    except OSError:
        return None
    fields = data[data.rindex(")") + 2:].split()
    return int(fields[11]), int(fields[12])   # utime, stime (fields 14, 15)


def cpu_total(times):
    """utime + stime of cpu_times()' answer, or None."""
    return None if times is None else sum(times)


def cpu_ticks(pid):
    return cpu_total(cpu_times(pid))


def core_times():
    """{cpu index: (busy, total)} in ticks; busy counts irq/softirq/steal, which the
    loopback TCP stack uses a lot of and which no process's utime/stime includes."""
    cores = {}
    try:
        with open("/proc/stat") as f:
            for line in f:
                if line.startswith("cpu") and line[3].isdigit():
                    name, *vals = line.split()
                    vals = [int(v) for v in vals[:8]]
                    idle = vals[3] + vals[4]
                    # user+nice+system (process time) and steal, for the noise estimate
                    cores[int(name[3:])] = (sum(vals) - idle, sum(vals),
                                            vals[0] + vals[1] + vals[2], vals[7])
    except OSError:
        pass
    return cores


def core_busy(a, b, cpu):
    if cpu not in a or cpu not in b:
        return None
    busy, total = b[cpu][0] - a[cpu][0], b[cpu][1] - a[cpu][1]
    return busy / total if total > 0 else None


def rss_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


# --------------------------------------------------------------------------- one run

def pin_and_raise(cpu):
    def preexec():
        try:
            os.sched_setaffinity(0, {cpu})
        except OSError:
            pass
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < hard:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return preexec


class RunError(Exception):
    pass


def start_server(server, errfile):
    proc = subprocess.Popen(server.argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=errfile, text=True, cwd=ROOT,
                            preexec_fn=pin_and_raise(SERVER_CPU))
    line = [None]

    def read():
        line[0] = proc.stdout.readline()
    t = threading.Thread(target=read, daemon=True)
    t.start()
    t.join(20)
    if not line[0] or not line[0].startswith("LISTENING"):
        stop_server(proc)
        raise RunError("server did not start (%r)" % (line[0],))
    return proc, int(line[0].split()[1])


def stop_server(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(3)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc.stdout:
        proc.stdout.close()


def run_loadgen(scn, port, server_pid, cfg, extra_warmup=0.0):
    warmup = cfg.warmup + extra_warmup
    argv = [os.path.join(BIN, "loadgen"), "--mode", scn.mode, "--port", str(port),
            "--cpu", str(LOADGEN_CPU), "--seconds", str(cfg.seconds),
            "--warmup", str(warmup)] + scn.args
    if scn.mode == "idle":
        argv += ["--hold", "60"]
    if scn.mode == "connect" and cfg.connect_sources > 1:
        argv += ["--sources", str(cfg.connect_sources)]
    lg = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)
    limit = warmup + cfg.seconds + (90 if scn.mode == "idle" else 30)
    killer = threading.Timer(limit, lg.kill)
    killer.start()
    res = {}
    try:
        marks = {}
        result_line = None
        for line in lg.stdout:
            line = line.strip()
            if line in ("START", "END"):
                marks[line] = (time.monotonic(), cpu_times(server_pid), cpu_ticks(lg.pid),
                               core_times())
            elif line.startswith("READY"):
                time.sleep(0.5)   # let the server settle before reading its RSS
                res["rss_after_kib"] = rss_kib(server_pid)
                res["ready"] = int(line.split()[1])
                lg.stdin.write("\n")
                lg.stdin.flush()
            elif line.startswith("{"):
                result_line = line
        lg.wait()
        stderr = lg.stderr.read()
    finally:
        killer.cancel()
        for f in (lg.stdin, lg.stdout, lg.stderr):
            try:
                f.close()
            except OSError:
                pass
    if result_line is None:
        raise RunError("loadgen gave no result (exit %s): %s" % (lg.returncode,
                                                              stderr.strip()[-300:]))
    res.update(json.loads(result_line))
    if stderr.strip():
        res["loadgen_stderr"] = stderr.strip()[-600:]
    if "START" in marks and "END" in marks:
        (t0, st0, l0, c0), (t1, st1, l1, c1) = marks["START"], marks["END"]
        s0, s1 = cpu_total(st0), cpu_total(st1)
        wall = t1 - t0
        if wall > 0 and None not in (st0, st1):
            res["server_user_cpu"] = (st1[0] - st0[0]) / CLK_TCK / wall
        res["server_core_busy"] = core_busy(c0, c1, SERVER_CPU)
        res["loadgen_core_busy"] = core_busy(c0, c1, LOADGEN_CPU)
        if wall > 0 and None not in (s0, s1):
            res["server_cpu"] = (s1 - s0) / CLK_TCK / wall
        if wall > 0 and None not in (l0, l1):
            res["loadgen_cpu"] = (l1 - l0) / CLK_TCK / wall
        if wall > 0 and None not in (s0, s1, l0, l1) and c0 and c1:
            # CPU that neither the server nor the loadgen used: other processes on this
            # machine, plus time the hypervisor stole. High values mean a noisy run.
            proc = sum(c1[k][2] - c0[k][2] for k in c1 if k in c0)
            steal = sum(c1[k][3] - c0[k][3] for k in c1 if k in c0)
            other = proc - (s1 - s0) - (l1 - l0) + steal
            res["other_cpu"] = max(0.0, other / CLK_TCK / wall)
    return res


def one_run(server, scn, cfg):
    with tempfile.TemporaryFile(mode="w+") as errfile:
        proc, port = start_server(server, errfile)
        crashed = False
        try:
            rss_before = None
            if scn.mode == "idle":
                time.sleep(0.3)
                rss_before = rss_kib(proc.pid)
            res = run_loadgen(scn, port, proc.pid, cfg, server.warmup)
            crashed = proc.poll() is not None
            if scn.mode == "idle":
                res["rss_before_kib"] = rss_before
                n = res.get("ready") or 0
                if n and rss_before is not None and res.get("rss_after_kib") is not None:
                    res["bytes_per_conn"] = (res["rss_after_kib"] - rss_before) * 1024.0 / n
                # every connection that did not make it is an error (the loadgen has
                # already counted those it saw fail; count the rest)
                res["errors"] = max(res.get("errors", 0), int(scn.args[1]) - n)
        finally:
            stop_server(proc)
        if crashed:
            errfile.seek(0)
            res["errors"] = res.get("errors", 0) + 1
            res["server_crash"] = "exit %s: %s" % (proc.returncode, errfile.read()[-400:])
        return res


# --------------------------------------------------------------------------- report

def fmt_num(v, unit):
    if v is None:
        return "n/a"
    if unit == "B/conn":
        return "%.1f KiB" % (v / 1024.0) if v >= 1024 else "%.0f B" % v
    if unit == "MB/s":
        return "%.0f" % v if v >= 100 else "%.1f" % v
    if v >= 1e6:
        return "%.2fM" % (v / 1e6)
    if v >= 1e3:
        return "%.1fk" % (v / 1e3)
    return "%.0f" % v


def median_or_none(vals):
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None


def build_report(info, cfg, scns, srvs, runs):
    """runs: {(scenario, server): [result dict, ...]} -> (markdown, summary dict)."""
    summary = {}
    for scn in scns:
        for srv in srvs:
            rs = runs.get((scn.key, srv.key), [])
            cell = {"n": len(rs)}
            if srv.unavailable:
                cell["unavailable"] = srv.unavailable
            cell["value"] = median_or_none([r.get(scn.metric) for r in rs if not r.get("failed")])
            cell["server_cpu"] = median_or_none([r.get("server_cpu") for r in rs])
            cell["server_user_cpu"] = median_or_none([r.get("server_user_cpu") for r in rs])
            cell["loadgen_cpu"] = median_or_none([r.get("loadgen_cpu") for r in rs])
            cell["other_cpu_max"] = max([r["other_cpu"] for r in rs if "other_cpu" in r],
                                        default=None)
            cell["server_core_busy"] = median_or_none([r.get("server_core_busy") for r in rs])
            cell["loadgen_core_busy"] = median_or_none([r.get("loadgen_core_busy") for r in rs])
            cell["errors"] = sum(int(r.get("errors", 0)) for r in rs)
            cell["failed"] = sum(1 for r in rs if r.get("failed"))
            summary[(scn.key, srv.key)] = cell

    lines = []
    lines.append("## Echo servers side by side")
    lines.append("")
    lines.append("- machine: %s CPUs (%s), kernel %s; server pinned to CPU %d, loadgen to CPU %d"
                 % (info["nproc"], info["cpu"], info["kernel"], SERVER_CPU, LOADGEN_CPU))
    lines.append("- python %s, pyuv_net %s, node %s (libuv %s), system libuv %s, uvloop %s"
                 % (info["python"], info["pyuv_net"], info["node"], info["node_libuv"],
                    info["libuv_system"], info["uvloop"]))
    lines.append("- %d round(s) interleaved, %.2g s per run after %.2g s warm-up; "
                 "cells are medians; (N x) = ratio to Node, (C x) = ratio to the libuv C server"
                 % (cfg.rounds, cfg.seconds, cfg.warmup))
    lines.append("- all traffic on loopback to 127.0.0.1; connect scenario client sources: %s"
                 % ("127.0.0.1" if cfg.connect_sources == 1 else
                    "127.0.0.2-127.0.0.%d" % (cfg.connect_sources + 1)))
    lines.append("")
    header = "| scenario | " + " | ".join(s.title for s in srvs) + " |"
    lines.append(header)
    lines.append("|" + "---|" * (len(srvs) + 1))
    for scn in scns:
        node = summary.get((scn.key, "node"), {}).get("value")
        ceil = summary.get((scn.key, "libuv-c"), {}).get("value")
        cells = []
        for srv in srvs:
            c = summary[(scn.key, srv.key)]
            if c.get("unavailable"):
                cells.append("n/a")
                continue
            v = c["value"]
            if v is None:
                cells.append("failed")
                continue
            text = fmt_num(v, scn.unit)
            ratios = []
            if srv.key != "node" and node:
                ratios.append("N %.2f" % (v / node))
            if srv.key != "libuv-c" and ceil:
                ratios.append("C %.2f" % (v / ceil))
            if ratios:
                text += " (%s)" % ", ".join(ratios)
            if c["errors"] or c["failed"]:
                text += " **%d err**" % (c["errors"] + c["failed"])
            cells.append(text)
        lines.append("| %s [%s] | %s |" % (scn.title, scn.unit, " | ".join(cells)))
    lines.append("")
    lines.append("CPU during the measured window (medians), as `server / loadgen` process "
                 "share (utime+stime over wall time, 1.00 = one core), then `[core %d / core %d]`: "
                 "how busy each pinned core was in all (adds the kernel's softirq time, where "
                 "loopback TCP does much of its work, which no process is charged for). "
                 "*loadgen-bound* marks cells where the loadgen's core was saturated and the "
                 "server's was not:" % (SERVER_CPU, LOADGEN_CPU))
    lines.append("")
    lines.append(header)
    lines.append("|" + "---|" * (len(srvs) + 1))
    for scn in scns:
        if scn.mode == "idle":
            continue
        cells = []
        for srv in srvs:
            c = summary[(scn.key, srv.key)]
            if c.get("unavailable") or c["server_cpu"] is None:
                cells.append("n/a")
                continue
            flag = ""
            sb, lb = c["server_core_busy"], c["loadgen_core_busy"]
            if sb is not None and lb is not None and lb >= 0.95 and sb < 0.90:
                flag = " *loadgen-bound*"
            cores = " [%.2f / %.2f]" % (sb, lb) if sb is not None and lb is not None else ""
            cells.append("%.2f / %.2f%s%s" % (c["server_cpu"], c["loadgen_cpu"] or 0,
                                               cores, flag))
        lines.append("| %s | %s |" % (scn.title, " | ".join(cells)))
    lines.append("")
    lines.extend(cpu_cost_table(scns, srvs, summary, header))
    lines.append("")
    lines.extend(cpu_cost_table(scns, srvs, summary, header, share="server_user_cpu"))
    notes = []
    others = [(c["other_cpu_max"], k) for k, c in summary.items()
              if c.get("other_cpu_max") is not None]
    if others:
        worst, where = max(others)
        lines.append("")
        lines.append("Noise: CPU used by anything else (other processes, hypervisor steal) "
                     "during a measured window was at most %.2f of a core (%s / %s)%s."
                     % (worst, where[0], where[1],
                        "; cells with more than 0.15 may be off, rerun with more rounds"
                        if worst > 0.15 else ""))
    for srv in srvs:
        if srv.unavailable:
            notes.append("- %s: n/a: %s" % (srv.title, srv.unavailable))
    total_err = 0
    for scn in scns:
        for srv in srvs:
            c = summary[(scn.key, srv.key)]
            if c["errors"] or c["failed"]:
                total_err += c["errors"] + c["failed"]
                notes.append("- errors: %s / %s: %d echo/socket error(s), %d failed run(s)"
                             % (scn.key, srv.key, c["errors"], c["failed"]))
    lines.append("")
    if notes:
        lines.extend(notes)
    else:
        lines.append("Every echoed byte matched what was sent (0 errors in every run).")
    return "\n".join(lines) + "\n", summary, total_err


def cpu_cost_table(scns, srvs, summary, header, share="server_cpu"):
    """The server's CPU per unit of work (its process share over the rate): what a
    server costs whether or not the loadgen kept it busy, and the libuv C server's
    figure is the floor the kernel's own work sets. With share="server_user_cpu", its
    user-space CPU only: the server's own code, without the kernel's socket work."""
    if share == "server_cpu":
        title = ("Server CPU per unit of work, microseconds (process share / rate; lower is "
                 "better; (N x) = Node's figure over this one):")
    else:
        title = ("Of which user space, microseconds (utime share / rate: the server's own code, "
                 "the rest of the figure above is the kernel's socket work; utime is counted "
                 "in 10 ms ticks, so small shares are coarse):")
    lines = [title, "", header, "|" + "---|" * (len(srvs) + 1)]
    for scn in scns:
        if scn.mode == "idle":
            continue
        costs = {}
        for srv in srvs:
            c = summary[(scn.key, srv.key)]
            if not c.get("unavailable") and c.get(share) is not None and c.get("value"):
                costs[srv.key] = c[share] / c["value"] * 1e6
        node = costs.get("node")
        cells = []
        for srv in srvs:
            cost = costs.get(srv.key)
            if cost is None:
                cells.append("n/a")
            elif node and cost and srv.key != "node":
                cells.append("%.2f (N %.2f)" % (cost, node / cost))
            else:
                cells.append("%.2f" % cost)
        per = {"req/s": "request", "conn/s": "connection", "MB/s": "MB"}.get(scn.unit, scn.unit)
        lines.append("| %s [per %s] | %s |" % (scn.title, per, " | ".join(cells)))
    return lines


# --------------------------------------------------------------------------- main

def parse_args():
    env = os.environ
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true",
                   default=env.get("BENCH_QUICK", "") not in ("", "0"),
                   help="smoke run: 1 round, 0.5 s per run, 1,000 idle connections")
    p.add_argument("--rounds", type=int, default=None, help="rounds (env BENCH_ROUNDS, 3)")
    p.add_argument("--seconds", type=float, default=None,
                   help="measured seconds per run (env BENCH_SECONDS, 2)")
    p.add_argument("--idle-conns", type=int, default=None,
                   help="connections for the idle-memory scenario (env BENCH_IDLE_CONNS, 5000)")
    p.add_argument("--connect-sources", type=int, default=None,
                   help="connect scenario: spread client source addresses over "
                        "127.0.0.2..127.0.0.N+1 (env BENCH_CONNECT_SOURCES; default 8, so "
                        "that the servers, not the loadgen, are measured; 1 = 127.0.0.1 only, "
                        "where the kernel's port search caps the loadgen at ~14k conn/s here)")
    p.add_argument("--servers", default=env.get("BENCH_SERVERS", ""),
                   help="comma-separated server keys to run (default all)")
    p.add_argument("--scenarios", default=env.get("BENCH_SCENARIOS", ""),
                   help="comma-separated scenario keys to run, or their leading parts "
                        "(pp, pp-1k, stream, connect, idle; default all)")
    a = p.parse_args()
    a.rounds = a.rounds or int(env.get("BENCH_ROUNDS") or (1 if a.quick else 3))
    a.seconds = a.seconds or float(env.get("BENCH_SECONDS") or (0.5 if a.quick else 2.0))
    a.idle_conns = a.idle_conns or int(env.get("BENCH_IDLE_CONNS") or
                                       (1000 if a.quick else 5000))
    a.connect_sources = a.connect_sources or int(env.get("BENCH_CONNECT_SOURCES") or 8)
    a.warmup = 0.1 if a.quick else 0.25
    if (a.rounds < 1 or not (0 < a.seconds <= 120) or not (1 <= a.idle_conns <= 50000)
            or not (1 <= a.connect_sources <= 250)):
        p.error("rounds >= 1, 0 < seconds <= 120, 1 <= idle conns <= 50000, "
                "1 <= connect sources <= 250")
    return a


def main():
    global LOADGEN_CPU
    cfg = parse_args()
    if not os.path.exists(MAIN_PY):
        sys.exit("bench: %s missing: run `make setup` (or `make bench`) first" % MAIN_PY)
    if (os.cpu_count() or 1) < 2:
        LOADGEN_CPU = 0
        log("bench: only one CPU: server and loadgen share it")
    nofile = raise_nofile()
    if nofile < cfg.idle_conns + 100:
        log("bench: RLIMIT_NOFILE is %d; idle scenario may fail" % nofile)
    build_c()
    peers_reason = setup_peers()
    if peers_reason:
        log("bench: uvloop unavailable: %s" % peers_reason)
    info = machine_info(peers_reason)

    scns = scenarios(cfg.idle_conns)
    if cfg.scenarios:
        want = [w.strip() for w in cfg.scenarios.split(",") if w.strip()]
        scns = [s for s in scns
                if any(s.key == w or s.key.startswith(w + "-") for w in want)]
    srvs = servers()
    if cfg.servers:
        want = {w.strip() for w in cfg.servers.split(",") if w.strip()}
        unknown = want - {s.key for s in srvs}
        if unknown:
            sys.exit("bench: unknown server(s) %s; known: %s"
                     % (", ".join(sorted(unknown)), ", ".join(s.key for s in srvs)))
        srvs = [s for s in srvs if s.key in want]
    if not scns or not srvs:
        sys.exit("bench: nothing to run")
    pypy_reason = setup_pypy() if any(s.needs_pypy for s in srvs) else None
    if pypy_reason:
        log("bench: PyPy unavailable: %s" % pypy_reason)
    for s in srvs:
        if s.needs_peers and peers_reason:
            s.unavailable = peers_reason
        elif s.needs_pypy and pypy_reason:
            s.unavailable = pypy_reason
        elif s.argv[0] == "node" and not shutil.which("node"):
            s.unavailable = "node not installed"

    active = [s for s in srvs if not s.unavailable]
    total = cfg.rounds * len(scns) * len(active)
    log("bench: %d runs (%d rounds x %d scenarios x %d servers), ~%.0f s each"
        % (total, cfg.rounds, len(scns), len(active), cfg.seconds + cfg.warmup + 0.6))
    runs = {}
    t_begin = time.monotonic()
    done = 0
    for rnd in range(cfg.rounds):
        for scn in scns:
            k = rnd % len(active) if active else 0
            order = active[k:] + active[:k]    # rotate who goes first each round
            for srv in order:
                done += 1
                try:
                    res = one_run(srv, scn, cfg)
                except RunError as e:
                    res = {"failed": str(e), "errors": 0}
                res["round"] = rnd + 1
                runs.setdefault((scn.key, srv.key), []).append(res)
                v = res.get(scn.metric)
                log("bench: [%3d/%d] round %d %-14s %-16s %s%s%s"
                    % (done, total, rnd + 1, scn.key, srv.key,
                       fmt_num(v, scn.unit) + " " + scn.unit if v is not None else "-",
                       "  cpu srv %.2f lg %.2f cores %.2f/%.2f other %.2f"
                       % (res["server_cpu"], res.get("loadgen_cpu") or 0,
                          res.get("server_core_busy") or 0, res.get("loadgen_core_busy") or 0,
                          res.get("other_cpu") or 0)
                       if "server_cpu" in res else "",
                       "  ERR %s" % (res.get("failed") or res.get("server_crash") or
                                     res.get("loadgen_stderr") or res.get("errors"))
                       if res.get("errors") or res.get("failed") else ""))
    elapsed = time.monotonic() - t_begin

    report, summary, total_err = build_report(info, cfg, scns, srvs, runs)
    print()
    print(report, end="")
    print("\n(%d runs in %.0f s)" % (total, elapsed))

    os.makedirs(RESULTS, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = os.path.join(RESULTS, "bench-%s%s.json" % (stamp, "-quick" if cfg.quick else ""))
    doc = {
        "machine": info,
        "config": {"rounds": cfg.rounds, "seconds": cfg.seconds, "warmup": cfg.warmup,
                   "idle_conns": cfg.idle_conns, "quick": cfg.quick,
                   "connect_sources": cfg.connect_sources},
        "scenarios": [{"key": s.key, "title": s.title, "mode": s.mode, "args": s.args,
                       "metric": s.metric, "unit": s.unit,
                       "higher_is_better": s.higher_is_better} for s in scns],
        "servers": [{"key": s.key, "title": s.title, "argv": s.argv,
                     "unavailable": s.unavailable} for s in srvs],
        "medians": {"%s/%s" % k: v for k, v in summary.items()},
        "runs": {"%s/%s" % k: v for k, v in runs.items()},
        "errors": total_err,
        "elapsed_s": elapsed,
        "markdown": report,
    }
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
    with open(os.path.join(RESULTS, "latest.md"), "w") as f:
        f.write(report)
    print("saved %s" % os.path.relpath(path, ROOT))
    if total_err:
        print("bench: %d error(s): some server did not echo correctly or a run failed"
              % total_err, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
