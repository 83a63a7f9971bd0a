# Paused mode: 'readable', read(size), unshift(chunk) and read() without a
# size; 'end' after the last read() returns None.
from _common import net, setup, rec, guard

setup('client')
guard()


def on_connection(s):
    s.write('hello')
    net.set_timeout(lambda: s.end('world'), 150)
    s.on('close', lambda had: server.close())


server = net.create_server(on_connection)


def on_listen():
    c = net.connect(server.address()['port'], '127.0.0.1')
    n = [0]

    def on_readable():
        n[0] += 1
        if n[0] == 1:
            a = c.read(2)
            rec('client', 'read(2)', a.decode())
            c.unshift(b'HE')
            b = c.read()
            rec('client', 'read()', b.decode())
            rec('client', 'read() again', c.read())
        else:
            while True:
                chunk = c.read()
                if chunk is None:
                    break
                rec('client', 'read', chunk.decode())
            rec('client', 'read() null')
    c.on('readable', on_readable)
    c.on('end', lambda: rec('client', 'end'))
    c.on('close', lambda had: rec('client', 'close', had))


server.listen(0, '127.0.0.1', callback=on_listen)
net.run()
