# write() after end(): returns False, the write callback gets
# ERR_STREAM_WRITE_AFTER_END, then 'error' with the same code, then 'close'
# true. write() after destroy(): only the callback hears about it
# (ERR_STREAM_DESTROYED), no 'error'.
from _common import net, setup, rec, ecode, guard

setup('server', 'a', 'b')
guard()

closed = [0]


def on_connection(s):
    s.on('data', lambda d: None)
    s.on('error', lambda e: rec('server', 'error', ecode(e)))

    def on_close(had):
        closed[0] += 1
        if closed[0] == 2:
            server.close()
    s.on('close', on_close)


server = net.create_server(on_connection)


def watch(name, c):
    for ev in ['end', 'finish', 'drain']:
        c.on(ev, lambda ev=ev: rec(name, ev))
    c.on('data', lambda d: rec(name, 'data'))
    c.on('error', lambda e: rec(name, 'error', ecode(e), c.destroyed))
    c.on('close', lambda had: rec(name, 'close', had))


def on_listen():
    port = server.address()['port']
    a = net.connect(port, '127.0.0.1')
    watch('a', a)

    def a_ready():
        a.end('a')
        r = a.write('b', callback=lambda err: rec('a', 'write cb', ecode(err)))
        rec('a', 'write returns', r)
    a.on('ready', a_ready)
    b = net.connect(port, '127.0.0.1')
    watch('b', b)

    def b_ready():
        b.destroy()
        r = b.write('b', callback=lambda err: rec('b', 'write cb', ecode(err)))
        rec('b', 'write returns', r)
    b.on('ready', b_ready)


server.listen(0, '127.0.0.1', callback=on_listen)
net.run()
