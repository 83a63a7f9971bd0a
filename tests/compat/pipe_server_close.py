# server.close() on a local-socket server with a connection open: listening
# turns false at once, the socket file is removed (a new
# client gets ENOENT), the open connection keeps working, and 'close' plus the
# close callback come only after it ended. Closing again calls back with
# ERR_SERVER_NOT_RUNNING. The server can then listen on the same path again.
import atexit
import os
import shutil
import tempfile

from _common import net, setup, rec, ecode, guard

setup('server', 'sock', 'client', 'late', 'again')
guard()

tmpdir = tempfile.mkdtemp(prefix='compat-')
sock_path = os.path.join(tmpdir, 'c.sock')
atexit.register(shutil.rmtree, tmpdir, True)

phase = [1]


def on_connection(s):
    if phase[0] == 2:
        rec('again', 'connection')
        s.end('second life')
        s.on('close', lambda had: server.close(
            lambda err: rec('again', 'closed', os.path.exists(sock_path))))
        return
    rec('server', 'connection')

    def on_server_close():
        rec('server', 'close event', server.listening)
        server.get_connections(lambda err, n: rec('server', 'connections after close', ecode(err), n))
    server.once('close', on_server_close)

    def close_cb(err):
        rec('server', 'close cb', ecode(err))

        def second(err2):
            rec('server', 'second close cb', ecode(err2))
            relisten()
        server.close(second)
    r = server.close(close_cb)
    rec('server', 'close() returns server', r is server)
    rec('server', 'after close()', server.listening)

    def later():
        rec('server', 'file exists', os.path.exists(sock_path))

        def on_count(err, n):
            rec('server', 'connections', ecode(err), n)
            late = net.connect(sock_path)
            late.on('connect', lambda: rec('late', 'connect'))
            late.on('error', lambda e: rec('late', 'error', ecode(e)))

            def on_late_close(had):
                rec('late', 'close', had)
                s.end('bye')
            late.on('close', on_late_close)
        server.get_connections(on_count)
    net.set_immediate(later)
    s.on('data', lambda d: rec('sock', 'data', d.decode()))
    s.on('end', lambda: rec('sock', 'end'))
    s.on('finish', lambda: rec('sock', 'finish'))
    s.on('close', lambda had: rec('sock', 'close', had))


server = net.create_server(on_connection)


def on_listen():
    rec('server', 'listening', server.address() == sock_path)
    c = net.connect(sock_path)

    def on_connect():
        rec('client', 'connect')
        c.write('hi')
    c.on('connect', on_connect)
    c.on('data', lambda d: rec('client', 'data', d.decode()))
    c.on('end', lambda: rec('client', 'end'))
    c.on('close', lambda had: rec('client', 'close', had))


def relisten():
    phase[0] = 2

    def on_again():
        rec('again', 'listening', server.listening, server.address() == sock_path)
        c = net.connect(sock_path)
        c.on('data', lambda d: rec('again', 'client data', d.decode()))
        c.on('close', lambda had: rec('again', 'client close', had))
    server.listen(sock_path, callback=on_again)


server.listen(sock_path, callback=on_listen)
net.run()
