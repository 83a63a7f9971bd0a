# allowHalfOpen false (default): the client ends; the server socket gets
# 'end', ends itself automatically ('finish'), then closes. ready_state at
# each step on both sides.
from _common import net, setup, rec, guard

setup('server', 'client')
guard()


def on_connection(s):
    rec('server', 'connection')
    s.on('data', lambda d: rec('server', 'data', d.decode()))
    s.on('end', lambda: rec('server', 'end', s.ready_state, s.readable, s.writable))
    s.on('finish', lambda: rec('server', 'finish', s.ready_state, s.writable))

    def on_close(had):
        rec('server', 'close', had, s.ready_state, s.destroyed)
        server.close(lambda err: rec('server', 'closed'))
    s.on('close', on_close)


server = net.create_server(on_connection)


def on_listen():
    c = net.connect(server.address()['port'], '127.0.0.1')

    def on_connect():
        rec('client', 'connect')
        c.end('abc')
        rec('client', 'after end', c.ready_state, c.writable)
    c.on('connect', on_connect)
    c.on('data', lambda d: rec('client', 'data', d.decode()))
    c.on('finish', lambda: rec('client', 'finish', c.ready_state))
    c.on('end', lambda: rec('client', 'end', c.ready_state))
    c.on('close', lambda had: rec('client', 'close', had, c.ready_state))


server.listen(0, '127.0.0.1', callback=on_listen)
net.run()
