# server.close() while a connection is open: listening turns false at once,
# new connections are refused, but 'close' and the close callback only come
# after the open connection has ended (its 'end' precedes them: the server
# actor records 'conn end' too).
from _common import net, setup, rec, ecode, guard

setup('server', 'sock', 'client', 'late')
guard()

port = None


def on_connection(s):
    rec('server', 'connection')

    def on_server_close():
        rec('server', 'close event', server.listening)
        server.get_connections(
            lambda err, n: rec('server', 'connections after close', ecode(err), n))
    server.on('close', on_server_close)
    r = server.close(lambda err: rec('server', 'close cb', ecode(err)))
    rec('server', 'close() returns server', r is server)
    rec('server', 'after close()', server.listening, server.address() is None)

    def on_count(err, n):
        rec('server', 'connections', ecode(err), n)
        # a new client is refused now
        late = net.connect(port, '127.0.0.1')
        late.on('connect', lambda: rec('late', 'connect'))
        late.on('error', lambda e: rec('late', 'error', ecode(e)))

        def on_late_close(had):
            rec('late', 'close', had)
            s.end('bye')
        late.on('close', on_late_close)
    server.get_connections(on_count)
    s.on('end', lambda: rec('server', 'conn end'))
    s.on('data', lambda d: rec('sock', 'data', d.decode()))
    s.on('end', lambda: rec('sock', 'end'))
    s.on('finish', lambda: rec('sock', 'finish'))
    s.on('close', lambda had: rec('sock', 'close', had))


server = net.create_server(on_connection)


def on_listen():
    global port
    port = server.address()['port']
    c = net.connect(port, '127.0.0.1')
    c.on('connect', lambda: rec('client', 'connect'))
    c.on('data', lambda d: rec('client', 'data', d.decode()))
    c.on('end', lambda: rec('client', 'end'))
    c.on('close', lambda had: rec('client', 'close', had))


server.listen(0, '127.0.0.1', callback=on_listen)
net.run()
