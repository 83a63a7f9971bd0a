# Connecting to a port nobody listens on (a port that was just bound and
# released): no 'lookup' (host is an IP), no 'connect'; 'error'
# ECONNREFUSED connect with address and port, then 'close' true.
from _common import net, setup, rec, ecode, guard

setup('client')
guard()

probe = net.create_server()


def on_probe_closed(err):
    c = net.connect(port, '127.0.0.1', lambda: rec('client', 'connect listener'))
    c.on('lookup', lambda err, address, family, host: rec('client', 'lookup'))
    for ev in ['connect', 'ready', 'end', 'finish', 'timeout']:
        c.on(ev, lambda ev=ev: rec('client', ev))
    c.on('data', lambda d: rec('client', 'data'))

    def on_error(e):
        rec('client', 'error', ecode(e), e.address, e.port == port,
            c.destroyed, c.connecting)
    c.on('error', on_error)
    c.on('close', lambda had: rec('client', 'close', had, c.destroyed, c.ready_state))


def on_listen():
    global port
    port = probe.address()['port']
    probe.close(on_probe_closed)


port = None
probe.listen(0, '127.0.0.1', callback=on_listen)
net.run()
