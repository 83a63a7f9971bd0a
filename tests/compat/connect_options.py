# connect() options: timeout (the socket emits 'timeout' when idle),
# local_address/local_port (the server sees that remote port), no_delay and
# keep_alive accepted; string port; set_no_delay/set_keep_alive return the
# socket (also before connecting).
from _common import net, setup, rec, guard

setup('server', 'timeout', 'local', 'strport')
guard()


def on_connection(s):
    s.resume()
    s.on('error', lambda e: None)


server = net.create_server(on_connection)


def start_timeout_client(port, nxt):
    c = net.connect(port=port, host='127.0.0.1', timeout=100, no_delay=True,
                    keep_alive=True)
    rec('timeout', 'timeout prop', c.timeout)
    rec('timeout', 'setters return socket', c.set_no_delay(True) is c,
        c.set_keep_alive(True, 1000) is c)
    c.on('connect', lambda: rec('timeout', 'connect'))

    def on_timeout():
        rec('timeout', 'timeout')
        c.destroy()
    c.on('timeout', on_timeout)

    def on_close(had):
        rec('timeout', 'close', had)
        nxt()
    c.on('close', on_close)


def start_local_client(port, nxt):
    probe = net.create_server()

    def on_probe_listen():
        local_port = probe.address()['port']

        def on_probe_closed(err):
            server.once('connection', lambda s: rec(
                'server', 'connection from chosen port', s.remote_port == local_port))
            c = net.connect(port=port, host='127.0.0.1', local_address='127.0.0.1',
                            local_port=local_port)

            def on_connect():
                rec('local', 'connect', c.local_address, c.local_port == local_port)
                c.end()
            c.on('connect', on_connect)

            def on_close(had):
                rec('local', 'close', had)
                nxt()
            c.on('close', on_close)
        probe.close(on_probe_closed)
    probe.listen(0, '127.0.0.1', callback=on_probe_listen)


def start_strport_client(port, nxt):
    c = net.connect(str(port), '127.0.0.1')

    def on_connect():
        rec('strport', 'connect', c.remote_port == port)
        c.end()
    c.on('connect', on_connect)

    def on_close(had):
        rec('strport', 'close', had)
        nxt()
    c.on('close', on_close)


def on_listen():
    port = server.address()['port']
    start_timeout_client(port, lambda: start_local_client(
        port, lambda: start_strport_client(port, lambda: server.close())))


server.listen(0, '127.0.0.1', callback=on_listen)
net.run()
