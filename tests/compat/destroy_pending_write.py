# destroy() while a large write is still queued (the peer does not read):
# what happens to the pending write's callback, and no 'drain'/'finish'.
from _common import net, setup, rec, ecode, guard

setup('client', 'server')
guard()


def on_connection(s):
    # do not read for a while
    s.pause()
    s.on('error', lambda e: rec('server', 'error', ecode(e)))

    def on_close(had):
        rec('server', 'close')
        server.close()
    s.on('close', on_close)
    net.set_timeout(lambda: s.resume(), 200)


server = net.create_server(on_connection)


def on_listen():
    c = net.connect(server.address()['port'], '127.0.0.1')

    def destroying():
        rec('client', 'destroying', c.writable_length > 0)
        c.destroy()

    def on_connect():
        r = c.write(bytes(16 * 1024 * 1024),
                    callback=lambda err: rec('client', 'write cb', ecode(err), c.destroyed))
        rec('client', 'write returns', r)
        net.set_timeout(destroying, 50)
    c.on('connect', on_connect)
    c.on('drain', lambda: rec('client', 'drain'))
    c.on('finish', lambda: rec('client', 'finish'))
    c.on('error', lambda e: rec('client', 'error', ecode(e)))
    c.on('close', lambda had: rec('client', 'close', had))


server.listen(0, '127.0.0.1', callback=on_listen)
net.run()
