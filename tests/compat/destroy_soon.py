# destroy_soon(): ends the writable side, and destroys the socket once the
# pending data is flushed ('finish'), without waiting for the peer's FIN.
from _common import net, setup, rec, guard

setup('server', 'client')
guard()


def on_connection(s):
    got = [0]

    def on_data(d):
        got[0] += len(d)
    s.on('data', on_data)
    s.on('end', lambda: rec('server', 'end', got[0]))
    s.on('error', lambda e: rec('server', 'error', e.code))

    def on_close(had):
        rec('server', 'close', had)
        server.close()
    s.on('close', on_close)


server = net.create_server(on_connection)


def on_listen():
    c = net.connect(server.address()['port'], '127.0.0.1')

    def on_connect():
        c.write(b'q' * 100000)
        c.destroy_soon()
        rec('client', 'after destroySoon', c.destroyed, c.writable)
    c.on('connect', on_connect)
    c.on('finish', lambda: rec('client', 'finish'))
    c.on('end', lambda: rec('client', 'end'))
    c.on('close', lambda had: rec('client', 'close', had, c.destroyed, c.bytes_written))


server.listen(0, '127.0.0.1', callback=on_listen)
net.run()
