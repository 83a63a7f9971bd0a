# resume() with no 'data' listener reads and discards: 'end' still comes,
# bytes_read counts everything. A socket nobody reads still gets 'end' on
# FIN when nothing is buffered (server side here).
from _common import net, setup, rec, guard

setup('client', 'server')
guard()


def on_connection(s):
    # never read on this side; the client sends nothing
    s.end(b'z' * 50000)
    s.on('finish', lambda: rec('server', 'finish'))
    s.on('end', lambda: rec('server', 'end'))

    def on_close(had):
        rec('server', 'close', had)
        server.close()
    s.on('close', on_close)


server = net.create_server(on_connection)


def on_listen():
    c = net.connect(server.address()['port'], '127.0.0.1')

    def on_connect():
        rec('client', 'connect')
        c.resume()
    c.on('connect', on_connect)
    c.on('end', lambda: rec('client', 'end', c.bytes_read))
    c.on('close', lambda had: rec('client', 'close', had))


server.listen(0, '127.0.0.1', callback=on_listen)
net.run()
