# set_encoding(): the server sends "\u20ac" (3 bytes in UTF-8) split across
# two writes 100 ms apart, then ok!, then a lone lead byte before ending.
# utf8 gets whole characters only (no empty 'data') and U+FFFD at the end;
# hex is byte-exact per chunk; base64 keeps partial 3-byte groups until the
# next chunk or the end.
from _common import net, setup, rec, guard

setup('utf8', 'hex', 'base64')
guard()


def on_connection(s):
    s.write(bytes([0xe2, 0x82]))

    def second():
        s.write(bytes([0xac, 0x6f, 0x6b, 0x21, 0xe2]))
        net.set_timeout(lambda: s.end(), 100)
    net.set_timeout(second, 100)


server = net.create_server(on_connection)


def cps(text):
    return ','.join('%x' % ord(ch) for ch in text)


open_count = [3]


def watch(enc):
    c = net.connect(server.address()['port'], '127.0.0.1')
    r = c.set_encoding(enc)
    rec(enc, 'setEncoding returns socket', r is c)

    def on_data(d):
        kind = 'string' if isinstance(d, str) else type(d).__name__
        rec(enc, 'data', kind, len(d), cps(d) if enc == 'utf8' else d)
    c.on('data', on_data)
    c.on('end', lambda: rec(enc, 'end'))

    def on_close(had):
        rec(enc, 'close', had)
        open_count[0] -= 1
        if open_count[0] == 0:
            server.close()
    c.on('close', on_close)


def on_listen():
    for enc in ['utf8', 'hex', 'base64']:
        watch(enc)


server.listen(0, '127.0.0.1', callback=on_listen)
net.run()
