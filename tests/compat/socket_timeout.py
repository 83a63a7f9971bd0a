# set_timeout(100) on an idle socket: 'timeout' fires once per idle period
# (not repeatedly), the socket stays open, and activity re-arms it: first a
# write by the client, then data read from the server. The callback given to
# set_timeout() is a once-listener.
from _common import net, setup, rec, guard

setup('client', 'server')
guard()


def on_connection(s):
    def on_data(d):
        rec('server', 'data', d.decode())
        net.set_timeout(lambda: s.write('y'), 400)
    s.on('data', on_data)
    s.on('end', lambda: rec('server', 'end'))

    def on_close(had):
        rec('server', 'close', had)
        server.close()
    s.on('close', on_close)


server = net.create_server(on_connection)


def on_listen():
    c = net.connect(server.address()['port'], '127.0.0.1')
    n = [0]

    def later1():
        rec('client', 'still', n[0])
        rec('client', 'write', c.write('x'))

    def later3():
        rec('client', 'still', n[0])
        r = c.set_timeout(0)
        rec('client', 'setTimeout(0)', r is c, c.timeout)
        c.end()

    def on_timeout():
        n[0] += 1
        rec('client', 'timeout', n[0], c.destroyed, c.ready_state)
        if n[0] == 1:
            net.set_timeout(later1, 400)
        elif n[0] == 3:
            net.set_timeout(later3, 400)

    def on_connect():
        c.on('timeout', on_timeout)
        r = c.set_timeout(100, lambda: rec('client', 'timeout callback'))
        rec('client', 'setTimeout returns socket', r is c, c.timeout)
    c.on('connect', on_connect)
    c.on('data', lambda d: rec('client', 'data', d.decode()))
    c.on('end', lambda: rec('client', 'end'))
    c.on('close', lambda had: rec('client', 'close', had, n[0]))


server.listen(0, '127.0.0.1', callback=on_listen)
net.run()
