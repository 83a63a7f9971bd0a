"""Shared helpers for the Python side of the compat scenarios.

Mirror of _common.js: events are recorded per actor and printed at exit,
grouped by actor in the order given to setup().
"""
import atexit
import os
import sys

import pyuv_net as net

try:
    sys.stdout.reconfigure(encoding='utf-8')
except Exception:  # pragma: no cover
    pass

_actors = {}
_trace = bool(os.environ.get('COMPAT_TRACE'))


def setup(*names):
    for n in names:
        _actors[n] = []


def js(v):
    if v is True:
        return 'true'
    if v is False:
        return 'false'
    if v is None:
        return 'null'
    return str(v)


def rec(actor, *parts):
    lines = _actors[actor]
    line = ' '.join([actor] + [js(p) for p in parts])
    lines.append(line)
    if _trace:
        sys.stderr.write(line + '\n')
        sys.stderr.flush()


def dump():
    for lines in _actors.values():
        for line in lines:
            sys.stdout.write(line + '\n')
        del lines[:]
    sys.stdout.flush()


atexit.register(dump)


def ecode(e):
    if e is None:
        return 'null'
    code = getattr(e, 'code', None)
    if code is None:
        return 'nocode:' + str(e)
    s = str(code)
    syscall = getattr(e, 'syscall', None)
    if syscall:
        s += ' ' + str(syscall)
    return s


def guard(ms=5000):
    def _timeout():
        dump()
        sys.stdout.write('TIMEOUT\n')
        sys.stdout.flush()
        os._exit(3)
    net.set_timeout(_timeout, ms).unref()
