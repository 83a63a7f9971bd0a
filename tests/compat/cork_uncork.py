# cork(): writes are held (writable_length counts them, bytes_written counts
# what has been handed to write()) until uncork(); the peer receives all of
# it in order.
from _common import net, setup, rec, ecode, guard

setup('client', 'server')
guard()


def on_connection(s):
    got = []
    s.on('data', lambda d: got.append(d))
    s.on('end', lambda: rec('server', 'end', b''.join(got).hex(), s.bytes_read))
    s.on('close', lambda had: server.close())


server = net.create_server(on_connection)


def on_listen():
    c = net.connect(server.address()['port'], '127.0.0.1')

    def on_ready():
        c.cork()
        rec('client', 'write 1',
            c.write('ab', callback=lambda err: rec('client', 'cb 1', ecode(err))))
        rec('client', 'write 2',
            c.write('\u20ac'.encode(), callback=lambda err: rec('client', 'cb 2', ecode(err))))
        rec('client', 'corked', c.writable_length, c.bytes_written)
        c.uncork()
        rec('client', 'uncorked', c.writable_length, c.bytes_written)
        c.end(bytes([0, 255]))
    c.on('ready', on_ready)
    c.on('finish', lambda: rec('client', 'finish', c.writable_length, c.bytes_written))
    c.on('close', lambda had: rec('client', 'close', had))


server.listen(0, '127.0.0.1', callback=on_listen)
net.run()
