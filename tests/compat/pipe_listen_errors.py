# Local-socket errors, one after the other: listen on an existing regular
# file -> EADDRINUSE and the file is kept as it was; on a directory ->
# EADDRINUSE; in a missing directory -> EACCES (libuv's mapping of ENOENT);
# no 'listening' or 'close' in any of them. connect to a missing path ->
# ENOENT, to a regular file -> ECONNREFUSED. Bad path values throw. After an
# error the same server listens fine on a good path.
import atexit
import os
import shutil
import tempfile

from _common import net, setup, rec, ecode, guard, js

setup('file', 'dir', 'nodir', 'missing', 'plain', 'args', 'good')
guard()

tmpdir = tempfile.mkdtemp(prefix='compat-')
atexit.register(shutil.rmtree, tmpdir, True)
file_path = os.path.join(tmpdir, 'file')
with open(file_path, 'w') as f:
    f.write('keep me')

steps = []


def next_step():
    if steps:
        steps.pop(0)()


def try_listen(actor, p, then):
    s = net.create_server()
    s.on('listening', lambda: rec(actor, 'listening'))
    s.on('close', lambda: rec(actor, 'close'))

    def on_error(e):
        rec(actor, 'error', ecode(e), getattr(e, 'address', None) == p, isinstance(e, Exception),
            s.listening)
        net.set_timeout(lambda: then(s), 20)
    s.on('error', on_error)
    r = s.listen(p)
    rec(actor, 'listen returned', r is s, s.listening)


def file_kept(s):
    with open(file_path) as f:
        rec('file', 'kept', f.read())
    next_step()


steps.append(lambda: try_listen('file', file_path, file_kept))
steps.append(lambda: try_listen('dir', tmpdir, lambda s: next_step()))
steps.append(lambda: try_listen('nodir', os.path.join(tmpdir, 'nodir', 'x.sock'), lambda s: next_step()))


def try_connect(actor, p):
    c = net.connect(p, lambda: rec(actor, 'connect cb'))
    c.on('connect', lambda: rec(actor, 'connect'))
    c.on('error', lambda e: rec(actor, 'error', ecode(e), getattr(e, 'address', None) == p, c.destroyed))

    def on_close(had):
        rec(actor, 'close', had)
        next_step()
    c.on('close', on_close)


steps.append(lambda: try_connect('missing', os.path.join(tmpdir, 'nobody.sock')))
steps.append(lambda: try_connect('plain', file_path))


def bad_args():
    for v in (123, True):
        try:
            net.create_server().listen({'path': v})
            rec('args', 'listen no throw', js(v))
        except Exception as e:
            rec('args', 'listen throws', js(v), getattr(e, 'code', None))
        try:
            net.connect({'path': v})
            rec('args', 'connect no throw', js(v))
        except Exception as e:
            rec('args', 'connect throws', js(v), getattr(e, 'code', None))
    next_step()


steps.append(bad_args)


def good():
    s = net.create_server(lambda conn: conn.end('fine'))

    def on_error(e):
        rec('good', 'error', ecode(e))
        good_path = os.path.join(tmpdir, 'good.sock')

        def on_listening():
            rec('good', 'listening', s.listening, s.address() == good_path)
            c = net.connect(good_path)
            c.on('data', lambda d: rec('good', 'data', d.decode()))

            def on_close(had):
                rec('good', 'client close', had)
                s.close(lambda err: rec('good', 'closed'))
            c.on('close', on_close)
        s.listen(good_path, callback=on_listening)
    s.on('error', on_error)
    s.listen(file_path)


steps.append(good)
next_step()
net.run()
