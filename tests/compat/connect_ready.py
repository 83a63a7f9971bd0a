# Client connect to an IP: no 'lookup'; connect listener, 'connect', 'ready'
# order; socket state before and after connecting, on both ends.
from _common import net, setup, rec, guard

setup('server', 'client')
guard()


def on_connection(s):
    rec('server', 'connection', s.connecting, s.pending, s.ready_state,
        s.remote_family, s.remote_address, s.local_address,
        s.local_port == server.address()['port'], s.remote_port > 0)
    s.on('data', lambda d: rec('server', 'data', d.decode()))
    s.on('end', lambda: rec('server', 'end'))
    s.on('finish', lambda: rec('server', 'finish'))

    def on_close(had):
        rec('server', 'close', had)
        server.close(lambda err: rec('server', 'closed', server.listening))
    s.on('close', on_close)


server = net.create_server(on_connection)
server.on('listening', lambda: rec('server', 'listening event', server.listening))


def on_listen():
    a = server.address()
    rec('server', 'listen cb', a['family'], a['address'],
        isinstance(a['port'], int) and a['port'] > 0)
    port = a['port']
    c = net.connect(port, '127.0.0.1', lambda: rec('client', 'connect listener'))
    rec('client', 'before', c.connecting, c.pending, c.ready_state, c.destroyed,
        c.remote_address is None, c.bytes_read, c.bytes_written)
    c.on('lookup', lambda err, address, family, host: rec('client', 'lookup'))

    def on_connect():
        la = c.address()
        rec('client', 'connect', c.connecting, c.pending, c.ready_state,
            c.remote_family, c.remote_address, c.remote_port == port,
            c.local_address, c.local_family, la['family'], la['address'],
            la['port'] == c.local_port)
    c.on('connect', on_connect)

    def on_ready():
        rec('client', 'ready')
        c.end('hi')
    c.on('ready', on_ready)
    c.on('data', lambda d: rec('client', 'data', d.decode()))
    c.on('end', lambda: rec('client', 'end'))
    c.on('finish', lambda: rec('client', 'finish'))
    c.on('close', lambda had: rec('client', 'close', had, c.ready_state, c.destroyed,
                                  c.bytes_read, c.bytes_written))


server.listen(0, '127.0.0.1', callback=on_listen)
net.run()
