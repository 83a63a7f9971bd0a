# listen() call forms: options dict with port/host, string port, no
# port at all (random port, the default host); 'listening' before the
# callback; listen({}) without port or path raises ERR_INVALID_ARG_VALUE;
# listen(True) raises ERR_INVALID_ARG_VALUE too.
from _common import net, setup, rec, ecode, guard

setup('opts', 'str', 'bare', 'args')
guard()


def try_call(label, fn):
    try:
        fn()
        rec('args', label, 'no throw')
    except Exception as e:
        rec('args', label, 'throws', ecode(e))


try_call('listen({})', lambda: net.create_server().listen({}))
try_call('listen({host})', lambda: net.create_server().listen({'host': '127.0.0.1'}))
try_call('listen(true)', lambda: net.create_server().listen(True))

a = net.create_server()
a.on('listening', lambda: rec('opts', 'listening event'))


def start_bare():
    c = net.create_server()

    def on_bare():
        addr = c.address()
        rec('bare', 'callback', addr['port'] > 0, isinstance(addr['address'], str))
        # reachable on loopback
        conn = net.connect(addr['port'], '127.0.0.1')

        def on_connect():
            rec('bare', 'reachable via 127.0.0.1')
            conn.destroy()
            c.close()
        conn.on('connect', on_connect)

        def on_error(e):
            rec('bare', 'error', ecode(e))
            c.close()
        conn.on('error', on_error)
    c.listen(callback=on_bare)


def start_str():
    b = net.create_server()

    def on_b():
        rec('str', 'callback', b.address()['family'], b.address()['port'] > 0)
        b.close(lambda err: start_bare())
    b.listen('0', '127.0.0.1', callback=on_b)


def on_a():
    rec('opts', 'callback', a.address()['family'], a.address()['address'])
    a.close(lambda err: start_str())


ra = a.listen({'port': 0, 'host': '127.0.0.1'}, on_a)
rec('opts', 'listen returns server', ra is a)
net.run()
