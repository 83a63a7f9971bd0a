# The server writes several chunks and ends; the client pauses as soon as it
# connects (with a 'data' listener attached), sees no 'data' while paused,
# resumes after 200 ms and gets everything, in order.
from _common import net, setup, rec, guard

setup('client', 'server')
guard()


def on_connection(s):
    s.write('one-')
    s.write('two-')
    s.write('three-')
    s.end('four')
    s.on('end', lambda: rec('server', 'end'))

    def on_close(had):
        rec('server', 'close', had)
        server.close()
    s.on('close', on_close)


server = net.create_server(on_connection)


def on_listen():
    c = net.connect(server.address()['port'], '127.0.0.1')
    got = []
    resumed = [False]

    def on_data(d):
        if not resumed[0]:
            rec('client', 'data while paused')
        got.append(d)

    def later():
        rec('client', 'resuming', len(b''.join(got)), c.is_paused())
        resumed[0] = True
        r2 = c.resume()
        rec('client', 'resume', r2 is c, c.is_paused())

    def on_connect():
        rec('client', 'connect', c.is_paused())
        c.on('data', on_data)
        r = c.pause()
        rec('client', 'pause', r is c, c.is_paused())
        net.set_timeout(later, 200)
    c.on('connect', on_connect)
    c.on('end', lambda: rec('client', 'end', b''.join(got).decode(), c.bytes_read))
    c.on('close', lambda had: rec('client', 'close', had))


server.listen(0, '127.0.0.1', callback=on_listen)
net.run()
