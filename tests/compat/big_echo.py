# 8 MiB of patterned data through an echo server (pipe), client writing in
# 64 KiB chunks and honouring write()'s return value / 'drain'; the echo
# comes back complete and intact (md5 of what came back).
import hashlib
import struct

from _common import net, setup, rec, guard

setup('client', 'server')
guard()

TOTAL = 8 * 1024 * 1024
CHUNK = 64 * 1024


def block(i):
    base = i * CHUNK
    return struct.pack('>%dI' % (CHUNK // 4), *range(base, base + CHUNK, 4))


sent = hashlib.md5()
back = hashlib.md5()


def on_connection(s):
    s.pipe(s)

    def on_close(had):
        rec('server', 'close', had, s.bytes_read, s.bytes_written)
        server.close()
    s.on('close', on_close)


server = net.create_server(on_connection)


def on_listen():
    c = net.connect(server.address()['port'], '127.0.0.1')
    state = {'i': 0, 'received': 0}

    def pump():
        while state['i'] < TOTAL // CHUNK:
            b = block(state['i'])
            state['i'] += 1
            sent.update(b)
            if not c.write(b):
                c.once('drain', pump)
                return
        c.end()
    c.on('connect', pump)

    def on_data(d):
        state['received'] += len(d)
        back.update(d)
    c.on('data', on_data)
    c.on('end', lambda: rec('client', 'end', state['received'],
                            sent.hexdigest() == back.hexdigest()))
    c.on('close', lambda had: rec('client', 'close', had, c.bytes_read, c.bytes_written))


server.listen(0, '127.0.0.1', callback=on_listen)
net.run()
