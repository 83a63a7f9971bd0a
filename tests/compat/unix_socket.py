# Local (Unix domain) sockets: listen(path) / connect(path); address() is
# the path; remote_address is not set; EADDRINUSE when the path is taken;
# ENOENT connect for a path nobody listens on. The path is in a fresh temp
# directory and the server removes it on close.
import atexit
import os
import shutil
import tempfile

from _common import net, setup, rec, ecode, guard

setup('server', 'client', 'dup', 'missing')
guard()

tmpdir = tempfile.mkdtemp(prefix='compat-')
sock_path = os.path.join(tmpdir, 's.sock')
atexit.register(shutil.rmtree, tmpdir, True)


def on_connection(s):
    rec('server', 'connection', s.remote_address is None)
    s.set_encoding('utf8')
    s.on('data', lambda d: s.write(d.upper()))

    def on_end():
        rec('server', 'end')
        s.end()
    s.on('end', on_end)

    def on_close(had):
        rec('server', 'conn close', had)
        server.close(lambda err: rec('server', 'closed', os.path.exists(sock_path)))
    s.on('close', on_close)


server = net.create_server(on_connection)


def start_client():
    c = net.connect(sock_path, lambda: rec('client', 'connect listener'))
    got = []

    def on_connect():
        rec('client', 'connect', c.remote_address is None)
        c.end('hello unix')
    c.on('connect', on_connect)
    c.on('data', lambda d: got.append(d))
    c.on('end', lambda: rec('client', 'end', b''.join(got).decode()))
    c.on('close', lambda had: rec('client', 'close', had))


def on_dup_error(e):
    rec('dup', 'error', ecode(e))
    miss = net.connect(os.path.join(tmpdir, 'nobody.sock'))
    miss.on('connect', lambda: rec('missing', 'connect'))
    miss.on('error', lambda e2: rec('missing', 'error', ecode(e2)))

    def on_miss_close(had):
        rec('missing', 'close', had)
        start_client()
    miss.on('close', on_miss_close)


def on_listen():
    rec('server', 'listening', server.address() == sock_path, os.path.exists(sock_path))
    dup = net.create_server()
    dup.on('error', on_dup_error)
    dup.listen(sock_path)


server.listen(sock_path, callback=on_listen)
net.run()
