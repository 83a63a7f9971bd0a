# allowHalfOpen true on the server: the server socket gets 'end', stays
# writable, replies and ends; the client receives the reply after its own
# 'finish'.
from _common import net, setup, rec, guard

setup('server', 'client')
guard()


def on_connection(s):
    rec('server', 'connection')
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
        server.close(lambda err: rec('server', 'closed'))
    s.on('close', on_close)


server = net.create_server(on_connection, allow_half_open=True)


def on_listen():
    c = net.connect(server.address()['port'], '127.0.0.1')

    def on_connect():
        rec('client', 'connect')
        c.write('pi')
        c.end('ng')
    c.on('connect', on_connect)
    c.on('data', lambda d: rec('client', 'data', d.decode()))
    c.on('finish', lambda: rec('client', 'finish', c.ready_state))
    c.on('end', lambda: rec('client', 'end', c.ready_state))
    c.on('close', lambda had: rec('client', 'close', had, c.ready_state))


server.listen(0, '127.0.0.1', callback=on_listen)
net.run()
