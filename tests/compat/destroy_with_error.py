# destroy(err): 'error' with that very error, then 'close' true; once on a
# connected socket (the peer sees a clean end) and once before connecting.
from _common import net, setup, rec, guard

setup('server', 'a', 'b')
guard()


def on_connection(s):
    rec('server', 'connection')
    s.on('data', lambda d: rec('server', 'data', d.decode()))
    s.on('end', lambda: rec('server', 'end'))
    s.on('error', lambda e: rec('server', 'error', e.code))
    s.on('close', lambda had: rec('server', 'close', had))


server = net.create_server(on_connection)


def watch(name, c, boom, nxt):
    c.on('lookup', lambda err, address, family, host: rec(name, 'lookup'))
    for ev in ['end', 'finish', 'timeout']:
        c.on(ev, lambda ev=ev: rec(name, ev))
    c.on('data', lambda d: rec(name, 'data'))
    c.on('error', lambda e: rec(name, 'error', str(e), e is boom, c.destroyed))

    def on_close(had):
        rec(name, 'close', had, c.destroyed)
        nxt()
    c.on('close', on_close)


def on_listen():
    port = server.address()['port']
    a = net.connect(port, '127.0.0.1')
    boom_a = Exception('boom')
    a.on('connect', lambda: rec('a', 'connect'))

    def on_ready():
        rec('a', 'ready')
        a.destroy(boom_a)
        rec('a', 'after destroy', a.destroyed)
    a.on('ready', on_ready)

    def start_b():
        b = net.connect(port, '127.0.0.1')
        boom_b = Exception('bang')
        b.on('connect', lambda: rec('b', 'connect'))
        b.on('ready', lambda: rec('b', 'ready'))
        watch('b', b, boom_b, lambda: server.close())
        b.destroy(boom_b)
        rec('b', 'after destroy', b.destroyed)
    watch('a', a, boom_a, start_b)


server.listen(0, '127.0.0.1', callback=on_listen)
net.run()
