# max_connections = 1: while one connection is open a second one is
# accepted by the kernel (the client sees 'connect') and then closed by the
# server, which emits 'drop' with the addresses of the dropped connection
# (snake_case keys, printed in Node's camelCase); once the first connection
# is gone, a third one is accepted.
from _common import net, setup, rec, guard

setup('server', 'c1', 'c2', 'c3')
guard()


def camel(key):
    head, *rest = key.split('_')
    return head + ''.join(w.capitalize() for w in rest)


state = {'port': None, 'drop': None, 'conns': 0, 'c1': None}


def on_connection(s):
    state['conns'] += 1
    cid = state['conns']
    server.get_connections(lambda err, n: rec('server', 'connection', cid, n))
    s.on('end', lambda: rec('server', 'conn end', cid))

    def on_close(had):
        rec('server', 'conn close', cid)
        if cid == 1:
            start_c3()
        else:
            server.close(lambda err: rec('server', 'closed'))
    s.on('close', on_close)
    if cid == 1:
        start_c2()


server = net.create_server(on_connection)
server.max_connections = 1
rec('server', 'maxConnections', server.max_connections)


def on_drop(info):
    state['drop'] = info
    rec('server', 'drop', ','.join(sorted(camel(k) for k in info)),
        info['local_address'], info['local_port'] == state['port'],
        info['local_family'], info['remote_address'], info['remote_family'])
    server.get_connections(lambda err, n: rec('server', 'connections at drop', n))


server.on('drop', on_drop)


def start_c2():
    c2 = net.connect(state['port'], '127.0.0.1')
    local = [None]

    def on_connect():
        local[0] = c2.local_port
        rec('c2', 'connect')
    c2.on('connect', on_connect)
    c2.on('end', lambda: rec('c2', 'end'))
    c2.on('error', lambda e: rec('c2', 'error', e.code))

    def on_close(had):
        info = state['drop']
        rec('c2', 'close', had, info is not None and info['remote_port'] == local[0])
        state['c1'].end()
    c2.on('close', on_close)


def start_c3():
    c3 = net.connect(state['port'], '127.0.0.1')

    def on_connect():
        rec('c3', 'connect')
        c3.end()
    c3.on('connect', on_connect)
    c3.on('end', lambda: rec('c3', 'end'))
    c3.on('close', lambda had: rec('c3', 'close', had))


def on_listen():
    state['port'] = server.address()['port']
    c1 = state['c1'] = net.connect(state['port'], '127.0.0.1')
    c1.on('connect', lambda: rec('c1', 'connect'))
    c1.on('end', lambda: rec('c1', 'end'))
    c1.on('close', lambda had: rec('c1', 'close', had))


server.listen(0, '127.0.0.1', callback=on_listen)
net.run()
