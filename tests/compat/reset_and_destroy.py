# reset_and_destroy(): the connection is closed with a TCP RST; the peer gets
# 'error' ECONNRESET read and 'close' true, the resetting side 'close'
# false and no 'error'.
from _common import net, setup, rec, ecode, guard

setup('server', 'client')
guard()


def on_connection(s):
    rec('server', 'connection')

    def on_data(d):
        rec('server', 'data', d.decode())
        r = s.reset_and_destroy()
        rec('server', 'resetAndDestroy returns socket', r is s, s.destroyed)
    s.on('data', on_data)
    s.on('end', lambda: rec('server', 'end'))
    s.on('error', lambda e: rec('server', 'error', ecode(e)))

    def on_close(had):
        rec('server', 'close', had)
        server.close()
    s.on('close', on_close)


server = net.create_server(on_connection)


def on_listen():
    c = net.connect(server.address()['port'], '127.0.0.1')

    def on_connect():
        rec('client', 'connect')
        c.write('hi')
    c.on('connect', on_connect)
    c.on('data', lambda d: rec('client', 'data', d.decode()))
    c.on('end', lambda: rec('client', 'end'))
    c.on('finish', lambda: rec('client', 'finish'))
    c.on('error', lambda e: rec('client', 'error', ecode(e), c.destroyed))
    c.on('close', lambda had: rec('client', 'close', had))


server.listen(0, '127.0.0.1', callback=on_listen)
net.run()
