# Stream behaviour over a local socket (half-open server): pause_on_connect (no 'data' until
# resume()), set_encoding with a multi-byte character split across writes,
# write callbacks in order, an idle 'timeout' while the server holds back,
# cork/uncork, and the byte counters at the end.
import atexit
import os
import shutil
import tempfile

from _common import net, setup, rec, guard

setup('server', 'client')
guard()

tmpdir = tempfile.mkdtemp(prefix='compat-')
sock_path = os.path.join(tmpdir, 'st.sock')
atexit.register(shutil.rmtree, tmpdir, True)

snow = '\u2603'.encode('utf-8')  # 3 bytes


def on_connection(s):
    rec('server', 'connection', s.is_paused())
    s.set_encoding('utf8')
    got = []
    s.on('data', got.append)

    def resume():
        rec('server', 'resume', len(''.join(got)))
        s.resume()
    net.set_timeout(resume, 100)

    def reply():
        s.cork()
        s.write('RE')
        s.write('PLY')
        s.uncork()
        s.end(' ' + ''.join(got).upper())

    def on_end():
        rec('server', 'end', ''.join(got), s.bytes_read)
        net.set_timeout(reply, 150)
    s.on('end', on_end)
    s.on('finish', lambda: rec('server', 'finish', s.bytes_written))

    def on_close(had):
        rec('server', 'close', had)
        server.close(lambda err: rec('server', 'closed'))
    s.on('close', on_close)


server = net.create_server(on_connection, pause_on_connect=True, allow_half_open=True)


def on_listen():
    c = net.connect({'path': sock_path, 'allowHalfOpen': True, 'timeout': 80})

    def on_connect():
        rec('client', 'connect', c.timeout)
        rec('client', 'write1', c.write('snow ', callback=lambda err: rec('client', 'cb1')))
        rec('client', 'write2', c.write(snow[:1], callback=lambda err: rec('client', 'cb2')))
        rec('client', 'write3', c.write(snow[1:], callback=lambda err: rec('client', 'cb3')))
        c.end(' man', callback=lambda err: rec('client', 'end cb'))
    c.on('connect', on_connect)
    timeouts = [0]

    def on_timeout():
        timeouts[0] += 1
        rec('client', 'timeout', timeouts[0], c.destroyed)
    c.on('timeout', on_timeout)
    c.on('finish', lambda: rec('client', 'finish'))
    c.set_encoding('utf8')
    reply = []
    c.on('data', reply.append)
    c.on('end', lambda: rec('client', 'end', ''.join(reply), c.bytes_read, c.bytes_written))
    c.on('close', lambda had: rec('client', 'close', had, timeouts[0]))


server.listen(sock_path, callback=on_listen)
net.run()
