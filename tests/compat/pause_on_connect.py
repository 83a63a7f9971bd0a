# create_server(pause_on_connect=True): the accepted socket does not read
# until resume(); nothing is lost meanwhile.
from _common import net, setup, rec, guard

setup('server', 'client')
guard()


def on_connection(s):
    got = []
    resumed = [False]
    rec('server', 'connection', s.is_paused())

    def on_data(d):
        if not resumed[0]:
            rec('server', 'data before resume')
        got.append(d)
    s.on('data', on_data)
    rec('server', 'after on(data)', s.is_paused())

    def later():
        rec('server', 'resume', s.bytes_read)
        resumed[0] = True
        s.resume()
    net.set_timeout(later, 150)

    def on_end():
        rec('server', 'end', b''.join(got).decode(), s.bytes_read)
        s.end('thanks')
    s.on('end', on_end)

    def on_close(had):
        rec('server', 'close', had)
        server.close()
    s.on('close', on_close)


server = net.create_server(on_connection, pause_on_connect=True)


def on_listen():
    c = net.connect(server.address()['port'], '127.0.0.1')

    def on_connect():
        c.write('abc')
        c.end('def')
    c.on('connect', on_connect)
    c.on('data', lambda d: rec('client', 'data', d.decode()))
    c.on('end', lambda: rec('client', 'end'))
    c.on('close', lambda had: rec('client', 'close', had))


server.listen(0, '127.0.0.1', callback=on_listen)
net.run()
