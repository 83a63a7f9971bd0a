# Connecting by name: 'lookup' (err null, address, family 4, host) comes
# before 'connect'. A custom lookup function is called with the host and
# options['family'], and its answer (given asynchronously) is used; a custom
# lookup that fails gives 'lookup' with the error, then 'error' (same
# object) and 'close' true.
from _common import net, setup, rec, ecode, guard

setup('localhost', 'custom', 'failing')
guard()


def on_connection(s):
    s.resume()
    s.on('error', lambda e: None)


server = net.create_server(on_connection)


def watch(name, c, nxt):
    def on_lookup(err, address, family, host):
        if err:
            rec(name, 'lookup', ecode(err), host)
        else:
            kind = 'number' if isinstance(family, int) and not isinstance(family, bool) \
                else type(family).__name__
            rec(name, 'lookup', ecode(err), address, family, kind, host)
    c.on('lookup', on_lookup)
    c.on('connect', lambda: rec(name, 'connect', c.remote_address, c.remote_family))

    def on_ready():
        rec(name, 'ready')
        c.end()
    c.on('ready', on_ready)
    c.on('error', lambda e: rec(name, 'error', ecode(e), str(e)))

    def on_close(had):
        rec(name, 'close', had)
        nxt()
    c.on('close', on_close)


def custom_lookup(host, opts, cb):
    rec('custom', 'lookup fn', host, opts['family'])
    net.set_immediate(cb, None, '127.0.0.1', 4)


def failing_lookup(host, opts, cb):
    rec('failing', 'lookup fn', host, opts['family'])
    e = OSError('no such host')
    e.code = 'EFAKE'
    net.set_immediate(cb, e)


def on_listen():
    port = server.address()['port']
    a = net.connect({'port': port, 'host': 'localhost', 'family': 4})

    def start_custom():
        b = net.connect(port=port, host='example.invalid', family=4, lookup=custom_lookup)

        def start_failing():
            c = net.connect(port=port, host='nowhere.invalid', family=4,
                            lookup=failing_lookup)
            watch('failing', c, lambda: server.close())
        watch('custom', b, start_failing)
    watch('localhost', a, start_custom)


server.listen(0, '127.0.0.1', callback=on_listen)
net.run()
