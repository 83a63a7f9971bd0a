# end(data, callback): the callback runs right before 'finish' (after the
# data was written and the write side shut down); end() returns the socket.
# end(data, encoding, callback) decodes data first; end(callback=...) alone
# works too.
import json

from _common import net, setup, rec, ecode, guard

setup('server', 'a', 'b', 'c')
guard()

closed = [0]


def on_connection(s):
    got = []
    s.on('data', lambda d: got.append(d))
    s.on('end', lambda: rec('server', 'got', json.dumps(b''.join(got).decode())))

    def on_close(had):
        closed[0] += 1
        if closed[0] == 3:
            server.close()
    s.on('close', on_close)


server = net.create_server(on_connection)


def watch(name, c):
    c.on('finish', lambda: rec(name, 'finish'))
    c.on('end', lambda: rec(name, 'end'))
    c.on('close', lambda had: rec(name, 'close', had))


def on_listen():
    port = server.address()['port']
    a = net.connect(port, '127.0.0.1')
    watch('a', a)

    def a_ready():
        r = a.end('bye', callback=lambda err: rec('a', 'end cb', ecode(err)))
        rec('a', 'end returns socket', r is a)
    a.on('ready', a_ready)

    def start_b(had):
        b = net.connect(port, '127.0.0.1')
        watch('b', b)
        b.on('ready', lambda: b.end('68656c6c6f', 'hex',
                                    lambda err: rec('b', 'end cb', ecode(err))))

        def start_c(had):
            c = net.connect(port, '127.0.0.1')
            watch('c', c)
            c.on('ready', lambda: c.end(callback=lambda err: rec('c', 'end cb', ecode(err))))
        b.on('close', start_c)
    a.on('close', start_b)


server.listen(0, '127.0.0.1', callback=on_listen)
net.run()
