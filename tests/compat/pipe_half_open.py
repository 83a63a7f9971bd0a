# Local socket, allowHalfOpen true on the server: the server socket gets 'end',
# stays writable (writeOnly), replies and ends; the client (not half-open)
# receives the reply after its own 'finish'. A second client with allowHalfOpen
# gets the server's end first and keeps writing. No address fields on either end.
import atexit
import os
import shutil
import tempfile

from _common import net, setup, rec, guard

setup('server', 'client', 'server2', 'client2')
guard()

tmpdir = tempfile.mkdtemp(prefix='compat-')
sock_path = os.path.join(tmpdir, 'h.sock')
atexit.register(shutil.rmtree, tmpdir, True)

count = [0]


def on_connection(s):
    count[0] += 1
    if count[0] == 1:
        first(s)
    else:
        second(s)


server = net.create_server(on_connection, allow_half_open=True)


def first(s):
    rec('server', 'connection', s.remote_address is None, s.ready_state)
    got = []
    s.on('data', lambda d: got.append(d.decode()))

    def reply():
        rec('server', 'reply write', s.write('pong'))
        s.end(callback=lambda err: rec('server', 'end cb'))
        rec('server', 'after end', s.ready_state)

    def on_end():
        rec('server', 'end', ''.join(got), s.ready_state, s.readable, s.writable)
        net.set_timeout(reply, 50)
    s.on('end', on_end)
    s.on('finish', lambda: rec('server', 'finish', s.ready_state))

    def on_close(had):
        rec('server', 'close', had, s.ready_state)
        start_second()
    s.on('close', on_close)


def second(s):
    rec('server2', 'connection')
    got = []
    s.on('data', lambda d: got.append(d.decode()))
    s.on('end', lambda: rec('server2', 'end', ''.join(got)))
    s.end('server first')
    s.on('finish', lambda: rec('server2', 'finish'))

    def on_close(had):
        rec('server2', 'close', had)
        server.close(lambda err: rec('server2', 'server closed'))
    s.on('close', on_close)


def on_listen():
    c = net.connect(sock_path)

    def on_connect():
        rec('client', 'connect', c.ready_state)
        c.write('pi')
        c.end('ng')
    c.on('connect', on_connect)
    c.on('data', lambda d: rec('client', 'data', d.decode()))
    c.on('finish', lambda: rec('client', 'finish', c.ready_state))
    c.on('end', lambda: rec('client', 'end', c.ready_state))
    c.on('close', lambda had: rec('client', 'close', had, c.ready_state))


def start_second():
    c = net.connect({'path': sock_path, 'allowHalfOpen': True})
    c.on('data', lambda d: rec('client2', 'data', d.decode()))

    def on_end():
        rec('client2', 'end', c.ready_state, c.writable)
        c.write('still ')
        c.end('writing')
    c.on('end', on_end)
    c.on('finish', lambda: rec('client2', 'finish', c.ready_state))
    c.on('close', lambda had: rec('client2', 'close', had))


server.listen(sock_path, callback=on_listen)
net.run()
