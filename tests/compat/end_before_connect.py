# write() and end() called before the connection is established are
# queued and carried out once connected; state while connecting.
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
    c = net.connect(server.address()['port'], '127.0.0.1')
    rec('client', 'write returns', c.write('early '))
    c.end('bird', callback=lambda err: rec('client', 'end cb'))
    rec('client', 'queued', c.connecting, c.pending, c.ready_state, c.writable_length)
    c.on('connect', lambda: rec('client', 'connect'))
    c.on('finish', lambda: rec('client', 'finish', c.bytes_written))
    c.on('end', lambda: rec('client', 'end'))
    c.on('close', lambda had: rec('client', 'close', had))


server.listen(0, '127.0.0.1', callback=on_listen)
net.run()
