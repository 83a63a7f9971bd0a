# An exception raised by a listener is "uncaught": it skips the remaining
# listeners of that emit, but the sockets stay usable and later events
# still arrive. (Node: process 'uncaughtException'; Python: the exception
# comes out of net.run(), and calling run() again continues.)
from _common import net, setup, rec, guard

setup('main', 'client', 'server')
guard()


def on_connection(s):
    s.write('first')
    net.set_timeout(lambda: s.end('second'), 100)

    def on_close(had):
        rec('server', 'close', had)
        server.close(lambda err: rec('server', 'closed'))
    s.on('close', on_close)


server = net.create_server(on_connection)


def on_listen():
    c = net.connect(server.address()['port'], '127.0.0.1')
    n = [0]

    def on_data(d):
        n[0] += 1
        rec('client', 'data', n[0], d.decode())
        if n[0] == 1:
            raise RuntimeError('boom in data')
    c.on('data', on_data)
    c.on('data', lambda d: rec('client', 'second data listener', n[0]))
    c.on('end', lambda: rec('client', 'end'))
    c.on('close', lambda had: rec('client', 'close', had))


server.listen(0, '127.0.0.1', callback=on_listen)
while True:
    try:
        net.run()
        break
    except Exception as e:
        rec('main', 'uncaught', str(e))
