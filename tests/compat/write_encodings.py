# write() with an encoding (hex, base64, latin1, ucs2, utf8) sends the
# decoded bytes; a receiving socket with set_encoding('latin1') or ('ucs2')
# decodes them (ucs2 keeps an odd trailing byte for the next chunk).
# Bad arguments raise at the call: unknown encoding ERR_UNKNOWN_ENCODING,
# write(None) ERR_STREAM_NULL_VALUES, write(number) ERR_INVALID_ARG_TYPE.
from _common import net, setup, rec, ecode, guard

setup('server', 'args', 'latin1', 'ucs2')
guard()


def try_call(label, fn):
    try:
        r = fn()
        rec('args', label, 'no throw', r)
    except Exception as e:
        rec('args', label, 'throws', ecode(e))


phase = [0]


def on_connection(s):
    phase[0] += 1
    if phase[0] == 1:
        got = []
        s.on('data', lambda d: got.append(d))
        s.on('end', lambda: rec('server', 'got', b''.join(got).hex()))
    else:
        # odd split of "hi" in UTF-16LE plus e9 for latin1: 68 00 69 | 00 e9
        s.write(bytes([0x68, 0x00, 0x69]))
        net.set_timeout(lambda: s.end(bytes([0x00, 0xe9])), 100)


server = net.create_server(on_connection)
closed = [0]


def done(had=False):
    closed[0] += 1
    if closed[0] == 3:
        server.close()


def cps(text):
    return ','.join('%x' % ord(ch) for ch in text)


def on_listen():
    port = server.address()['port']
    c = net.connect(port, '127.0.0.1')

    def on_connect():
        try_call('setEncoding bogus', lambda: c.set_encoding('bogus'))
        try_call('write bogus encoding', lambda: c.write('x', 'bogus'))
        try_call('write null', lambda: c.write(None))
        try_call('write number', lambda: c.write(123))
        c.write('68656c6c6f', 'hex')
        c.write('IQ==', 'base64')
        c.write('\u00e9', 'latin1')
        c.write('A', 'ucs2')
        c.write('\u00e9', 'utf8')
        c.end('-', 'utf-8')
    c.on('connect', on_connect)

    def readers(had):
        for enc in ['latin1', 'ucs2']:
            r = net.connect(port, '127.0.0.1')
            r.set_encoding(enc)
            r.on('data', lambda d, enc=enc: rec(enc, 'data', len(d), cps(d)))
            r.on('end', lambda enc=enc: rec(enc, 'end'))
            r.on('close', done)
        done()
    c.on('close', readers)


server.listen(0, '127.0.0.1', callback=on_listen)
net.run()
