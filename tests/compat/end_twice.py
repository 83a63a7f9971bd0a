# end() called again while the first end is still in progress: its
# callback runs with the first one's, before 'finish'. end() after 'finish':
# the callback gets ERR_STREAM_ALREADY_FINISHED, no 'error'.
from _common import net, setup, rec, ecode, guard

setup('client')
guard()


def on_connection(s):
    s.resume()
    s.on('close', lambda had: server.close())


server = net.create_server(on_connection)


def on_listen():
    c = net.connect(server.address()['port'], '127.0.0.1')

    def on_ready():
        c.end('x', callback=lambda err: rec('client', 'end cb 1', ecode(err)))
        c.end(callback=lambda err: rec('client', 'end cb 2', ecode(err)))
    c.on('ready', on_ready)

    def on_finish():
        rec('client', 'finish')
        c.end(callback=lambda err: rec('client', 'end cb 3', ecode(err), c.destroyed))
    c.on('finish', on_finish)
    c.on('error', lambda e: rec('client', 'error', ecode(e)))
    c.on('end', lambda: rec('client', 'end'))
    c.on('close', lambda had: rec('client', 'close', had))


server.listen(0, '127.0.0.1', callback=on_listen)
net.run()
