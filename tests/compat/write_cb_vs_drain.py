# A 16 MiB write to a peer that is not reading yet returns False and stays
# buffered; when it completes, 'drain' comes before the write callback. A
# small write afterwards returns True and gets its callback (no 'drain').
from _common import net, setup, rec, ecode, guard

setup('client', 'server')
guard()

BIG = 16 * 1024 * 1024


def on_connection(s):
    total = [0]

    def start_reading():
        def on_data(d):
            total[0] += len(d)
        s.on('data', on_data)
    net.set_timeout(start_reading, 100)
    s.on('end', lambda: rec('server', 'end', total[0]))

    def on_close(had):
        rec('server', 'close', had)
        server.close()
    s.on('close', on_close)


server = net.create_server(on_connection)


def on_listen():
    c = net.connect(server.address()['port'], '127.0.0.1')

    def on_connect():
        rec('client', 'connect', c.writable_length)

        def big_cb(err):
            rec('client', 'big write cb', ecode(err), c.writable_length)

            def small_cb(err2):
                rec('client', 'small write cb', ecode(err2))
                c.end()
            r2 = c.write('x', callback=small_cb)
            rec('client', 'small write returns', r2)
        r = c.write(b'a' * BIG, callback=big_cb)
        rec('client', 'big write returns', r, c.writable_length > 0,
            c.writable_length <= BIG)
    c.on('connect', on_connect)
    c.on('drain', lambda: rec('client', 'drain', c.writable_length))
    c.on('finish', lambda: rec('client', 'finish', c.bytes_written))
    c.on('end', lambda: rec('client', 'end'))
    c.on('close', lambda had: rec('client', 'close', had))


server.listen(0, '127.0.0.1', callback=on_listen)
net.run()
