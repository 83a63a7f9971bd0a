# An echo server built with sock.pipe(sock): the client writes two chunks
# and ends; it gets everything back, then 'end' and 'close'. pipe() returns
# its destination.
from _common import net, setup, rec, guard

setup('server', 'client')
guard()


def on_connection(s):
    r = s.pipe(s)
    rec('server', 'pipe returns dest', r is s)
    s.on('end', lambda: rec('server', 'end'))
    s.on('finish', lambda: rec('server', 'finish'))

    def on_close(had):
        rec('server', 'close', had, s.bytes_read, s.bytes_written)
        server.close()
    s.on('close', on_close)


server = net.create_server(on_connection)


def on_listen():
    c = net.connect(server.address()['port'], '127.0.0.1')
    got = []

    def on_connect():
        c.write('hello ')
        c.write(b'wor')
        c.end('ld')
    c.on('connect', on_connect)
    c.on('data', lambda d: got.append(d))
    c.on('finish', lambda: rec('client', 'finish'))
    c.on('end', lambda: rec('client', 'end', b''.join(got).decode()))
    c.on('close', lambda had: rec('client', 'close', had, c.bytes_read, c.bytes_written))


server.listen(0, '127.0.0.1', callback=on_listen)
net.run()
