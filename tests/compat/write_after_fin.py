# allowHalfOpen false: inside the 'end' listener the socket is still
# writable and a write there reaches the peer before the automatic end();
# on the next turn of the loop (after 'finish', the socket already being
# destroyed) a write returns False and fails with EPIPE through its callback
# only: no 'error', and 'close' is false.
from _common import net, setup, rec, ecode, guard

setup('server', 'client')
guard()


def on_connection(s):
    s.resume()

    def later():
        rec('server', 'immediate', s.writable)
        r2 = s.write('later', callback=lambda err: rec('server', 'write 2 cb', ecode(err)))
        rec('server', 'write 2 returns', r2)

    def on_end():
        rec('server', 'end', s.writable)
        r = s.write('late', callback=lambda err: rec('server', 'write cb', ecode(err)))
        rec('server', 'write returns', r)
        net.set_immediate(later)
    s.on('end', on_end)
    s.on('finish', lambda: rec('server', 'finish'))
    s.on('error', lambda e: rec('server', 'error', ecode(e)))

    def on_close(had):
        rec('server', 'close', had)
        server.close()
    s.on('close', on_close)


server = net.create_server(on_connection)


def on_listen():
    c = net.connect(server.address()['port'], '127.0.0.1')
    c.on('connect', lambda: c.end())
    c.on('data', lambda d: rec('client', 'data', d.decode()))
    c.on('end', lambda: rec('client', 'end'))
    c.on('error', lambda e: rec('client', 'error', ecode(e)))
    c.on('close', lambda had: rec('client', 'close', had))


server.listen(0, '127.0.0.1', callback=on_listen)
net.run()
