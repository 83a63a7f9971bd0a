# high_water_mark on the client (4 bytes): a write that goes out at once
# returns True, whatever its size, and no 'drain' follows (node 20 returns
# the state after the attempt); while corked, writes queue up and write()
# returns False once the queued bytes reach the mark; after uncork()
# flushes them, 'drain' comes.
from _common import net, setup, rec, guard

setup('client', 'server')
guard()


def on_connection(s):
    got = []
    s.on('data', lambda d: got.append(d))
    s.on('end', lambda: rec('server', 'end', b''.join(got).decode()))
    s.on('close', lambda had: server.close())


server = net.create_server(on_connection)


def on_listen():
    c = net.connect(port=server.address()['port'], host='127.0.0.1', high_water_mark=4)

    def on_connect():
        rec('client', 'write 1', c.write('hello'), c.writable_length)
        c.cork()
        rec('client', 'write 2', c.write('abc'), c.writable_length)
        rec('client', 'write 3', c.write('de'), c.writable_length)
        c.uncork()
        rec('client', 'uncorked', c.writable_length)
    c.on('connect', on_connect)

    def on_drain():
        rec('client', 'drain', c.writable_length)
        c.end('!')
    c.on('drain', on_drain)
    c.on('finish', lambda: rec('client', 'finish'))
    c.on('close', lambda had: rec('client', 'close', had))


server.listen(0, '127.0.0.1', callback=on_listen)
net.run()
