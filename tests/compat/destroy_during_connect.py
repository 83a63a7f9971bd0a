# destroy() right after connect(): no 'connect', no 'ready', no 'error',
# just 'close' false; state right after destroy().
from _common import net, setup, rec, guard

setup('client')
guard()


def on_connection(s):
    s.on('error', lambda e: None)
    s.resume()


server = net.create_server(on_connection)


def on_listen():
    c = net.connect(server.address()['port'], '127.0.0.1')
    c.on('lookup', lambda err, address, family, host: rec('client', 'lookup'))
    for ev in ['connect', 'ready', 'end', 'finish', 'timeout']:
        c.on(ev, lambda ev=ev: rec('client', ev))
    c.on('data', lambda d: rec('client', 'data'))
    c.on('error', lambda e: rec('client', 'error', e.code))

    def on_close(had):
        rec('client', 'close', had, c.destroyed, c.connecting, c.ready_state)
        server.close(lambda err: rec('client', 'server closed'))
    c.on('close', on_close)
    rec('client', 'connecting', c.connecting)
    r = c.destroy()
    rec('client', 'destroy returns socket', r is c)
    rec('client', 'after destroy', c.destroyed, c.connecting, c.ready_state)


server.listen(0, '127.0.0.1', callback=on_listen)
net.run()
