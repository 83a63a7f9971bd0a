# Local sockets and destroy: destroy(err) on a connected client gives 'error'
# with that very error then 'close' true (the server side sees a clean end);
# destroy(err) while connecting; a plain destroy() gives 'close' false with no
# 'error'; the server destroying its side makes the client see 'end'/'close';
# reset_and_destroy() is TCP only (ERR_INVALID_HANDLE_TYPE).
import atexit
import os
import shutil
import tempfile

from _common import net, setup, rec, ecode, guard

setup('server', 's1', 's2', 's3', 's4', 'a', 'b', 'c', 'd')
guard()

tmpdir = tempfile.mkdtemp(prefix='compat-')
sock_path = os.path.join(tmpdir, 'd.sock')
atexit.register(shutil.rmtree, tmpdir, True)

count = [0]


def on_connection(s):
    count[0] += 1
    i = count[0]
    # one actor per accepted connection: their relative order is not fixed
    who = 's%d' % i
    rec(who, 'connection')
    s.on('data', lambda d: rec(who, 'data', d.decode()))
    s.on('end', lambda: rec(who, 'end'))
    s.on('error', lambda e: rec(who, 'error', ecode(e)))
    s.on('close', lambda had: rec(who, 'close', had))
    if i == 4:
        def destroying(err):
            rec(who, 'destroying')
            s.destroy()
        s.write('about to go', callback=destroying)


server = net.create_server(on_connection)


def watch(name, c, boom, nxt):
    for ev in ('lookup', 'end', 'finish', 'timeout'):
        c.on(ev, (lambda ev: lambda *a: rec(name, ev))(ev))
    c.on('data', lambda d: rec(name, 'data', d.decode()))
    c.on('error', lambda e: rec(name, 'error', (e is boom) if boom is not None else ecode(e),
                                str(e), c.destroyed))

    def on_close(had):
        rec(name, 'close', had, c.destroyed, c.ready_state)
        nxt()
    c.on('close', on_close)


def on_listen():
    a = net.connect(sock_path)
    boom_a = Exception('boom')
    a.on('connect', lambda: rec('a', 'connect'))

    def on_ready():
        rec('a', 'ready')
        a.write('before destroy')
        a.destroy(boom_a)
        rec('a', 'after destroy', a.destroyed, a.ready_state)
    a.on('ready', on_ready)
    watch('a', a, boom_a, step_b)


def step_b():
    b = net.connect(sock_path)
    boom_b = Exception('bang')
    b.on('connect', lambda: rec('b', 'connect'))
    watch('b', b, boom_b, step_c)
    b.destroy(boom_b)
    rec('b', 'after destroy', b.destroyed, b.connecting)


def step_c():
    c = net.connect(sock_path)

    def on_connect():
        rec('c', 'connect')
        threw = 'no throw'
        try:
            c.reset_and_destroy()
        except Exception as e:
            threw = type(e).__name__ + ' ' + str(getattr(e, 'code', None))
        rec('c', 'resetAndDestroy', threw, c.destroyed)
        r = c.destroy()
        rec('c', 'destroy returns', r is c, c.destroyed)
    c.on('connect', on_connect)
    watch('c', c, None, step_d)


def step_d():
    d = net.connect(sock_path)
    d.on('connect', lambda: rec('d', 'connect'))
    watch('d', d, None, lambda: server.close(lambda err: rec('server', 'closed')))


server.listen(sock_path, callback=on_listen)
net.run()
