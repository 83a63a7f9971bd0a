# Server errors: listen on a port in use -> 'error' EADDRINUSE listen (with
# address and port), no 'close', not listening; close() on a server that
# is not listening -> callback gets ERR_SERVER_NOT_RUNNING and 'close' is
# still emitted; listen() twice -> ERR_SERVER_ALREADY_LISTEN raised; bad
# ports -> ERR_SOCKET_BAD_PORT raised by listen() and connect().
from _common import net, setup, rec, ecode, guard

setup('s1', 's2', 's3', 'args')
guard()


def try_call(label, fn):
    try:
        fn()
        rec('args', label, 'no throw')
    except Exception as e:
        rec('args', label, 'throws', ecode(e))


s1 = net.create_server()
s1.on('close', lambda: rec('s1', 'close'))


def on_listen():
    port = s1.address()['port']
    try_call('listen again', lambda: s1.listen(0, '127.0.0.1'))
    try_call('listen port 65536', lambda: net.create_server().listen(65536))
    try_call('listen port -1', lambda: net.create_server().listen(-1))
    try_call('connect port 65536', lambda: net.connect(65536, '127.0.0.1'))
    try_call('connect port -1', lambda: net.connect({'port': -1, 'host': '127.0.0.1'}))

    s2 = net.create_server()
    s2.on('listening', lambda: rec('s2', 'listening'))
    s2.on('close', lambda: rec('s2', 'close'))

    def later():
        rec('s2', 'later', s2.listening, s2.address() is None)

        def close_cb(err):
            rec('s2', 'close cb', ecode(err))
            s1.close()
        s2.close(close_cb)

    def on_error(e):
        rec('s2', 'error', ecode(e), e.address, e.port == port, s2.listening)
        net.set_timeout(later, 50)
    s2.on('error', on_error)
    s2.listen(port, '127.0.0.1')
    rec('s2', 'after listen()', s2.listening)

    s3 = net.create_server()
    s3.on('close', lambda: rec('s3', 'close'))
    r = s3.close(lambda err: rec('s3', 'close cb', ecode(err)))
    rec('s3', 'close() returns server', r is s3)


s1.listen(0, '127.0.0.1', callback=on_listen)
net.run()
