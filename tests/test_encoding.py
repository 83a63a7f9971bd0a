"""Buffer encodings and StringDecoder tests.

The tables at the end were produced by node 20 (``new StringDecoder(enc)``,
``Buffer.from(str, enc)``, ``decoder.write(buf)``/``decoder.end()``,
``buf.toString(enc)``) and pasted here as literals.  Strings are written as
Python strings with the same UTF-16 code units as the JavaScript ones (a pair of
surrogates is written as the combined character).
"""

from __future__ import annotations

import pytest

from pyuv_net._encoding import Decoder, decode, encode, normalize_encoding


def _split_pairs(s):
    """The same UTF-16 code units as ``s``, with astral characters written as
    two surrogate code points (another spelling of the same JS string)."""
    out = []
    for ch in s:
        c = ord(ch)
        if c > 0xFFFF:
            c -= 0x10000
            out.append(chr(0xD800 + (c >> 10)))
            out.append(chr(0xDC00 + (c & 0x3FF)))
        else:
            out.append(ch)
    return ''.join(out)


# ---------------------------------------------------------------- names

def test_normalize_encoding_table():
    for name, expected in NAMES:
        if expected is None:
            with pytest.raises(ValueError) as info:
                normalize_encoding(name)
            assert info.value.code == 'ERR_UNKNOWN_ENCODING'
            assert str(info.value) == 'Unknown encoding: ' + name
        else:
            assert normalize_encoding(name) == expected, name


def test_normalize_encoding_none_is_utf8():
    # node: new StringDecoder(undefined / null).encoding === 'utf8'
    assert normalize_encoding(None) == 'utf8'


@pytest.mark.parametrize('value, shown', [
    (123, '123'), (b'utf8', "b'utf8'"), (1.5, '1.5'), (True, 'True')])
def test_normalize_encoding_rejects_non_str(value, shown):
    with pytest.raises(ValueError) as info:
        normalize_encoding(value)
    assert info.value.code == 'ERR_UNKNOWN_ENCODING'
    assert str(info.value) == 'Unknown encoding: ' + shown


def test_normalize_encoding_str_subclass():
    class S(str):
        pass

    assert normalize_encoding(S('UCS-2')) == 'utf16le'


# ---------------------------------------------------------------- encode

def test_encode_table():
    for s, enc, expected in ENCODE:
        assert encode(s, enc).hex() == expected, (s, enc)
        split = _split_pairs(s)
        if split != s:
            assert encode(split, enc).hex() == expected, (split, enc)


def test_encode_aliases_and_default():
    assert encode('\u20ac') == b'\xe2\x82\xac'
    assert encode('\u20ac', 'UTF-8') == b'\xe2\x82\xac'
    assert encode('ab', 'UCS2') == b'a\x00b\x00'
    assert encode('\xe9', 'binary') == b'\xe9'
    assert encode('QUJD', 'Base64') == b'ABC'


def test_encode_unknown_encoding():
    with pytest.raises(ValueError) as info:
        encode('x', 'utf-16')
    assert info.value.code == 'ERR_UNKNOWN_ENCODING'


@pytest.mark.parametrize('bad', [b'abc', 1, None])
def test_encode_rejects_non_str(bad):
    with pytest.raises(TypeError) as info:
        encode(bad, 'utf8')
    assert info.value.code == 'ERR_INVALID_ARG_TYPE'


def test_encode_large():
    text = 'h\xe9llo w\xf6rld \u20ac \U0001F600 ' * 10000
    assert encode(text, 'utf8') == text.encode('utf-8')
    assert encode(text + '\ud800', 'utf8') == text.encode('utf-8') + b'\xef\xbf\xbd'
    blob = bytes(range(256)) * 100
    assert encode(blob.hex(), 'hex') == blob
    import base64
    assert encode(base64.b64encode(blob).decode(), 'base64') == blob
    assert encode(base64.urlsafe_b64encode(blob).decode(), 'base64url') == blob


# ---------------------------------------------------------------- Decoder

def test_decoder_table():
    for enc, chunks, expected in DECODER:
        d = Decoder(enc)
        got = [d.write(bytes.fromhex(c)) for c in chunks]
        got.append(d.end())
        assert got == expected, (enc, chunks)


def test_decoder_end_with_data_and_reuse():
    for enc, chunks, expected in DECODER:
        if not chunks:
            continue
        d = Decoder(enc)
        got = [d.write(bytes.fromhex(c)) for c in chunks[:-1]]
        tail = d.end(bytes.fromhex(chunks[-1]))
        assert ''.join(got) + tail == ''.join(expected), (enc, chunks)
        # after end() the decoder starts afresh
        assert [d.write(bytes.fromhex(c)) for c in chunks] + [d.end()] \
            == expected


def test_decoder_accepts_bytes_like_and_str():
    d = Decoder('utf8')
    assert d.write(bytearray(b'\xe2\x82')) == ''
    assert d.write(memoryview(b'\xac!')) == '\u20ac!'
    assert d.write('already text') == 'already text'
    assert d.end() == ''
    for enc in ('utf16le', 'base64', 'base64url', 'hex', 'ascii', 'latin1'):
        d = Decoder(enc)
        assert d.write('s') == 's'
        assert d.write(bytearray(b'ab')) + d.end(memoryview(b'cd')) \
            == decode(b'abcd', enc)


@pytest.mark.parametrize('bad', [123, None, [1, 2]])
def test_decoder_rejects_other_types(bad):
    with pytest.raises(TypeError) as info:
        Decoder('utf8').write(bad)
    assert info.value.code == 'ERR_INVALID_ARG_TYPE'


def test_decoder_encoding_attribute_and_errors():
    assert Decoder('UCS-2').encoding == 'utf16le'
    assert Decoder('binary').encoding == 'latin1'
    assert Decoder().encoding == 'utf8'
    assert Decoder(None).encoding == 'utf8'
    assert isinstance(Decoder('hex'), Decoder)
    with pytest.raises(ValueError) as info:
        Decoder('utf32')
    assert info.value.code == 'ERR_UNKNOWN_ENCODING'


def test_decoder_utf8_split_everywhere():
    text = 'a\xe9\u20ac\U0001F600z' * 3
    data = text.encode('utf-8')
    for size in range(1, 6):
        d = Decoder('utf8')
        out = [d.write(data[i:i + size]) for i in range(0, len(data), size)]
        assert ''.join(out) + d.end() == text
        assert all('\ufffd' not in part for part in out)


def test_decoder_utf16_split_everywhere():
    text = 'a\xe9\u20ac\U0001F600z' * 3
    data = text.encode('utf-16-le')
    for size in range(1, 6):
        d = Decoder('utf16le')
        out = [d.write(data[i:i + size]) for i in range(0, len(data), size)]
        joined = ''.join(out) + d.end()
        # As in node, a surrogate pair may come out split over two writes (a
        # lone high surrogate, then a lone low one); the code units agree.
        assert joined.encode('utf-16-le', 'surrogatepass') == data
        if size % 2 == 0:
            assert joined == text


def test_decoder_base64_groups():
    data = bytes(range(50))
    import base64
    for size in range(1, 8):
        d = Decoder('base64')
        out = [d.write(data[i:i + size]) for i in range(0, len(data), size)]
        assert all(len(part) % 4 == 0 for part in out)
        assert ''.join(out) + d.end() == base64.b64encode(data).decode()


# ---------------------------------------------------------------- toString

def test_decode_table():
    for enc, data, expected in TO_STRING:
        assert decode(bytes.fromhex(data), enc) == expected, (enc, data)


def test_decode_ascii_clears_high_bit():
    # node: Buffer.from([0xff, 0x80, 0x41]).toString('ascii') -> '\x7f\x00A'
    assert decode(b'\xff\x80A', 'ascii') == '\x7f\x00A'
    assert decode(b'\xff\x80A', 'latin1') == '\xff\x80A'


# ---------------------------------------------------------------- tables
# generated with node 20; see the module docstring

NAMES = [
    ('utf8', 'utf8'),
    ('utf-8', 'utf8'),
    ('UTF8', 'utf8'),
    ('UTF-8', 'utf8'),
    ('Utf-8', 'utf8'),
    ('uTF8', 'utf8'),
    ('ascii', 'ascii'),
    ('ASCII', 'ascii'),
    ('Ascii', 'ascii'),
    ('latin1', 'latin1'),
    ('LATIN1', 'latin1'),
    ('Latin1', 'latin1'),
    ('binary', 'latin1'),
    ('BINARY', 'latin1'),
    ('Binary', 'latin1'),
    ('hex', 'hex'),
    ('HEX', 'hex'),
    ('Hex', 'hex'),
    ('base64', 'base64'),
    ('BASE64', 'base64'),
    ('Base64', 'base64'),
    ('base64url', 'base64url'),
    ('BASE64URL', 'base64url'),
    ('Base64Url', 'base64url'),
    ('utf16le', 'utf16le'),
    ('UTF16LE', 'utf16le'),
    ('utf-16le', 'utf16le'),
    ('UTF-16LE', 'utf16le'),
    ('Utf-16Le', 'utf16le'),
    ('ucs2', 'utf16le'),
    ('UCS2', 'utf16le'),
    ('ucs-2', 'utf16le'),
    ('UCS-2', 'utf16le'),
    ('Ucs2', 'utf16le'),
    ('', 'utf8'),
    ('utf-8 ', None),
    (' utf8', None),
    ('utf_8', None),
    ('utf16', None),
    ('utf-16', None),
    ('utf-16be', None),
    ('utf16be', None),
    ('latin-1', None),
    ('iso-8859-1', None),
    ('us-ascii', None),
    ('buffer', None),
    ('raw', None),
    ('raws', None),
    ('base-64', None),
    ('base64 url', None),
    ('base32', None),
    ('utf32', None),
    ('ucs4', None),
    ('hex ', None),
    ('bin', None),
    ('b64', None),
    ('utf7', None),
    ('cp1252', None),
]

ENCODE = [
    ('hello', 'utf8', '68656c6c6f'),
    ('hello', 'ascii', '68656c6c6f'),
    ('hello', 'latin1', '68656c6c6f'),
    ('hello', 'hex', ''),
    ('hello', 'base64', '85e965'),
    ('hello', 'base64url', '85e965'),
    ('hello', 'utf16le', '680065006c006c006f00'),
    ('', 'utf8', ''),
    ('', 'ascii', ''),
    ('', 'latin1', ''),
    ('', 'hex', ''),
    ('', 'base64', ''),
    ('', 'base64url', ''),
    ('', 'utf16le', ''),
    ('h\xe9llo', 'utf8', '68c3a96c6c6f'),
    ('h\xe9llo', 'ascii', '68e96c6c6f'),
    ('h\xe9llo', 'latin1', '68e96c6c6f'),
    ('h\xe9llo', 'hex', ''),
    ('h\xe9llo', 'base64', '865968'),
    ('h\xe9llo', 'base64url', '865968'),
    ('h\xe9llo', 'utf16le', '6800e9006c006c006f00'),
    ('\u20ac', 'utf8', 'e282ac'),
    ('\u20ac', 'ascii', 'ac'),
    ('\u20ac', 'latin1', 'ac'),
    ('\u20ac', 'hex', ''),
    ('\u20ac', 'base64', ''),
    ('\u20ac', 'base64url', ''),
    ('\u20ac', 'utf16le', 'ac20'),
    ('\U0001f600', 'utf8', 'f09f9880'),
    ('\U0001f600', 'ascii', '3d00'),
    ('\U0001f600', 'latin1', '3d00'),
    ('\U0001f600', 'hex', ''),
    ('\U0001f600', 'base64', ''),
    ('\U0001f600', 'base64url', ''),
    ('\U0001f600', 'utf16le', '3dd800de'),
    ('\ud83d', 'utf8', 'efbfbd'),
    ('\ud83d', 'ascii', '3d'),
    ('\ud83d', 'latin1', '3d'),
    ('\ud83d', 'hex', ''),
    ('\ud83d', 'base64', ''),
    ('\ud83d', 'base64url', ''),
    ('\ud83d', 'utf16le', '3dd8'),
    ('\ude00', 'utf8', 'efbfbd'),
    ('\ude00', 'ascii', '00'),
    ('\ude00', 'latin1', '00'),
    ('\ude00', 'hex', ''),
    ('\ude00', 'base64', ''),
    ('\ude00', 'base64url', ''),
    ('\ude00', 'utf16le', '00de'),
    ('\ude00\ud83d', 'utf8', 'efbfbdefbfbd'),
    ('\ude00\ud83d', 'ascii', '003d'),
    ('\ude00\ud83d', 'latin1', '003d'),
    ('\ude00\ud83d', 'hex', ''),
    ('\ude00\ud83d', 'base64', ''),
    ('\ude00\ud83d', 'base64url', ''),
    ('\ude00\ud83d', 'utf16le', '00de3dd8'),
    ('a\ud800b', 'utf8', '61efbfbd62'),
    ('a\ud800b', 'ascii', '610062'),
    ('a\ud800b', 'latin1', '610062'),
    ('a\ud800b', 'hex', ''),
    ('a\ud800b', 'base64', '69'),
    ('a\ud800b', 'base64url', '69'),
    ('a\ud800b', 'utf16le', '610000d86200'),
    ('x\udbff\udfffy', 'utf8', '78f48fbfbf79'),
    ('x\udbff\udfffy', 'ascii', '78ffff79'),
    ('x\udbff\udfffy', 'latin1', '78ffff79'),
    ('x\udbff\udfffy', 'hex', ''),
    ('x\udbff\udfffy', 'base64', 'c7'),
    ('x\udbff\udfffy', 'base64url', 'c7'),
    ('x\udbff\udfffy', 'utf16le', '7800ffdbffdf7900'),
    ('\xff\u0100\u2603', 'utf8', 'c3bfc480e29883'),
    ('\xff\u0100\u2603', 'ascii', 'ff0003'),
    ('\xff\u0100\u2603', 'latin1', 'ff0003'),
    ('\xff\u0100\u2603', 'hex', ''),
    ('\xff\u0100\u2603', 'base64', ''),
    ('\xff\u0100\u2603', 'base64url', ''),
    ('\xff\u0100\u2603', 'utf16le', 'ff0000010326'),
    ('\x7f\x80', 'utf8', '7fc280'),
    ('\x7f\x80', 'ascii', '7f80'),
    ('\x7f\x80', 'latin1', '7f80'),
    ('\x7f\x80', 'hex', ''),
    ('\x7f\x80', 'base64', ''),
    ('\x7f\x80', 'base64url', ''),
    ('\x7f\x80', 'utf16le', '7f008000'),
    ('deadBEEF', 'utf8', '6465616442454546'),
    ('deadBEEF', 'ascii', '6465616442454546'),
    ('deadBEEF', 'latin1', '6465616442454546'),
    ('deadBEEF', 'hex', 'deadbeef'),
    ('deadBEEF', 'base64', '75e69d044105'),
    ('deadBEEF', 'base64url', '75e69d044105'),
    ('deadBEEF', 'utf16le', '64006500610064004200450045004600'),
    ('abc', 'utf8', '616263'),
    ('abc', 'ascii', '616263'),
    ('abc', 'latin1', '616263'),
    ('abc', 'hex', 'ab'),
    ('abc', 'base64', '69b7'),
    ('abc', 'base64url', '69b7'),
    ('abc', 'utf16le', '610062006300'),
    ('1g', 'utf8', '3167'),
    ('1g', 'ascii', '3167'),
    ('1g', 'latin1', '3167'),
    ('1g', 'hex', ''),
    ('1g', 'base64', 'd6'),
    ('1g', 'base64url', 'd6'),
    ('1g', 'utf16le', '31006700'),
    ('ab1gcd', 'utf8', '616231676364'),
    ('ab1gcd', 'ascii', '616231676364'),
    ('ab1gcd', 'latin1', '616231676364'),
    ('ab1gcd', 'hex', 'ab'),
    ('ab1gcd', 'base64', '69bd6071'),
    ('ab1gcd', 'base64url', '69bd6071'),
    ('ab1gcd', 'utf16le', '610062003100670063006400'),
    ('ab cd', 'utf8', '6162206364'),
    ('ab cd', 'ascii', '6162206364'),
    ('ab cd', 'latin1', '6162206364'),
    ('ab cd', 'hex', 'ab'),
    ('ab cd', 'base64', '69b71d'),
    ('ab cd', 'base64url', '69b71d'),
    ('ab cd', 'utf16le', '61006200200063006400'),
    (' abcd', 'utf8', '2061626364'),
    (' abcd', 'ascii', '2061626364'),
    (' abcd', 'latin1', '2061626364'),
    (' abcd', 'hex', ''),
    (' abcd', 'base64', '69b71d'),
    (' abcd', 'base64url', '69b71d'),
    (' abcd', 'utf16le', '20006100620063006400'),
    ('0x12', 'utf8', '30783132'),
    ('0x12', 'ascii', '30783132'),
    ('0x12', 'latin1', '30783132'),
    ('0x12', 'hex', ''),
    ('0x12', 'base64', 'd31d76'),
    ('0x12', 'base64url', 'd31d76'),
    ('0x12', 'utf16le', '3000780031003200'),
    ('\u0661\u0662', 'utf8', 'd9a1d9a2'),
    ('\u0661\u0662', 'ascii', '6162'),
    ('\u0661\u0662', 'latin1', '6162'),
    ('\u0661\u0662', 'hex', 'ab'),
    ('\u0661\u0662', 'base64', '69'),
    ('\u0661\u0662', 'base64url', '69'),
    ('\u0661\u0662', 'utf16le', '61066206'),
    ('\u0161\u0262', 'utf8', 'c5a1c9a2'),
    ('\u0161\u0262', 'ascii', '6162'),
    ('\u0161\u0262', 'latin1', '6162'),
    ('\u0161\u0262', 'hex', 'ab'),
    ('\u0161\u0262', 'base64', '69'),
    ('\u0161\u0262', 'base64url', '69'),
    ('\u0161\u0262', 'utf16le', '61016202'),
    ('ab\xff', 'utf8', '6162c3bf'),
    ('ab\xff', 'ascii', '6162ff'),
    ('ab\xff', 'latin1', '6162ff'),
    ('ab\xff', 'hex', 'ab'),
    ('ab\xff', 'base64', '69'),
    ('ab\xff', 'base64url', '69'),
    ('ab\xff', 'utf16le', '61006200ff00'),
    ('QQ==', 'utf8', '51513d3d'),
    ('QQ==', 'ascii', '51513d3d'),
    ('QQ==', 'latin1', '51513d3d'),
    ('QQ==', 'hex', ''),
    ('QQ==', 'base64', '41'),
    ('QQ==', 'base64url', '41'),
    ('QQ==', 'utf16le', '510051003d003d00'),
    ('QQ', 'utf8', '5151'),
    ('QQ', 'ascii', '5151'),
    ('QQ', 'latin1', '5151'),
    ('QQ', 'hex', ''),
    ('QQ', 'base64', '41'),
    ('QQ', 'base64url', '41'),
    ('QQ', 'utf16le', '51005100'),
    ('QQ=', 'utf8', '51513d'),
    ('QQ=', 'ascii', '51513d'),
    ('QQ=', 'latin1', '51513d'),
    ('QQ=', 'hex', ''),
    ('QQ=', 'base64', '41'),
    ('QQ=', 'base64url', '41'),
    ('QQ=', 'utf16le', '510051003d00'),
    ('QUI=', 'utf8', '5155493d'),
    ('QUI=', 'ascii', '5155493d'),
    ('QUI=', 'latin1', '5155493d'),
    ('QUI=', 'hex', ''),
    ('QUI=', 'base64', '4142'),
    ('QUI=', 'base64url', '4142'),
    ('QUI=', 'utf16le', '5100550049003d00'),
    ('QUJD', 'utf8', '51554a44'),
    ('QUJD', 'ascii', '51554a44'),
    ('QUJD', 'latin1', '51554a44'),
    ('QUJD', 'hex', ''),
    ('QUJD', 'base64', '414243'),
    ('QUJD', 'base64url', '414243'),
    ('QUJD', 'utf16le', '510055004a004400'),
    ('QUJDRA', 'utf8', '51554a445241'),
    ('QUJDRA', 'ascii', '51554a445241'),
    ('QUJDRA', 'latin1', '51554a445241'),
    ('QUJDRA', 'hex', ''),
    ('QUJDRA', 'base64', '41424344'),
    ('QUJDRA', 'base64url', '41424344'),
    ('QUJDRA', 'utf16le', '510055004a00440052004100'),
    ('QQ==QQ==', 'utf8', '51513d3d51513d3d'),
    ('QQ==QQ==', 'ascii', '51513d3d51513d3d'),
    ('QQ==QQ==', 'latin1', '51513d3d51513d3d'),
    ('QQ==QQ==', 'hex', ''),
    ('QQ==QQ==', 'base64', '41'),
    ('QQ==QQ==', 'base64url', '41'),
    ('QQ==QQ==', 'utf16le', '510051003d003d00510051003d003d00'),
    ('Q Q = =', 'utf8', '512051203d203d'),
    ('Q Q = =', 'ascii', '512051203d203d'),
    ('Q Q = =', 'latin1', '512051203d203d'),
    ('Q Q = =', 'hex', ''),
    ('Q Q = =', 'base64', '41'),
    ('Q Q = =', 'base64url', '41'),
    ('Q Q = =', 'utf16le', '51002000510020003d0020003d00'),
    ('QU\nJD', 'utf8', '51550a4a44'),
    ('QU\nJD', 'ascii', '51550a4a44'),
    ('QU\nJD', 'latin1', '51550a4a44'),
    ('QU\nJD', 'hex', ''),
    ('QU\nJD', 'base64', '414243'),
    ('QU\nJD', 'base64url', '414243'),
    ('QU\nJD', 'utf16le', '510055000a004a004400'),
    ('-_-_', 'utf8', '2d5f2d5f'),
    ('-_-_', 'ascii', '2d5f2d5f'),
    ('-_-_', 'latin1', '2d5f2d5f'),
    ('-_-_', 'hex', ''),
    ('-_-_', 'base64', 'fbffbf'),
    ('-_-_', 'base64url', 'fbffbf'),
    ('-_-_', 'utf16le', '2d005f002d005f00'),
    ('+/+/', 'utf8', '2b2f2b2f'),
    ('+/+/', 'ascii', '2b2f2b2f'),
    ('+/+/', 'latin1', '2b2f2b2f'),
    ('+/+/', 'hex', ''),
    ('+/+/', 'base64', 'fbffbf'),
    ('+/+/', 'base64url', 'fbffbf'),
    ('+/+/', 'utf16le', '2b002f002b002f00'),
    ('-_+/', 'utf8', '2d5f2b2f'),
    ('-_+/', 'ascii', '2d5f2b2f'),
    ('-_+/', 'latin1', '2d5f2b2f'),
    ('-_+/', 'hex', ''),
    ('-_+/', 'base64', 'fbffbf'),
    ('-_+/', 'base64url', 'fbffbf'),
    ('-_+/', 'utf16le', '2d005f002b002f00'),
    ('QU*JD', 'utf8', '51552a4a44'),
    ('QU*JD', 'ascii', '51552a4a44'),
    ('QU*JD', 'latin1', '51552a4a44'),
    ('QU*JD', 'hex', ''),
    ('QU*JD', 'base64', '414243'),
    ('QU*JD', 'base64url', '414243'),
    ('QU*JD', 'utf16le', '510055002a004a004400'),
    ('=QUJD', 'utf8', '3d51554a44'),
    ('=QUJD', 'ascii', '3d51554a44'),
    ('=QUJD', 'latin1', '3d51554a44'),
    ('=QUJD', 'hex', ''),
    ('=QUJD', 'base64', ''),
    ('=QUJD', 'base64url', ''),
    ('=QUJD', 'utf16le', '3d00510055004a004400'),
    ('Q===', 'utf8', '513d3d3d'),
    ('Q===', 'ascii', '513d3d3d'),
    ('Q===', 'latin1', '513d3d3d'),
    ('Q===', 'hex', ''),
    ('Q===', 'base64', ''),
    ('Q===', 'base64url', ''),
    ('Q===', 'utf16le', '51003d003d003d00'),
    ('QUJD=', 'utf8', '51554a443d'),
    ('QUJD=', 'ascii', '51554a443d'),
    ('QUJD=', 'latin1', '51554a443d'),
    ('QUJD=', 'hex', ''),
    ('QUJD=', 'base64', '414243'),
    ('QUJD=', 'base64url', '414243'),
    ('QUJD=', 'utf16le', '510055004a0044003d00'),
    ('QUJ=D', 'utf8', '51554a3d44'),
    ('QUJ=D', 'ascii', '51554a3d44'),
    ('QUJ=D', 'latin1', '51554a3d44'),
    ('QUJ=D', 'hex', ''),
    ('QUJ=D', 'base64', '4142'),
    ('QUJ=D', 'base64url', '4142'),
    ('QUJ=D', 'utf16le', '510055004a003d004400'),
    ('Q', 'utf8', '51'),
    ('Q', 'ascii', '51'),
    ('Q', 'latin1', '51'),
    ('Q', 'hex', ''),
    ('Q', 'base64', ''),
    ('Q', 'base64url', ''),
    ('Q', 'utf16le', '5100'),
    ('QUJDR', 'utf8', '51554a4452'),
    ('QUJDR', 'ascii', '51554a4452'),
    ('QUJDR', 'latin1', '51554a4452'),
    ('QUJDR', 'hex', ''),
    ('QUJDR', 'base64', '414243'),
    ('QUJDR', 'base64url', '414243'),
    ('QUJDR', 'utf16le', '510055004a0044005200'),
    ('a=b=c', 'utf8', '613d623d63'),
    ('a=b=c', 'ascii', '613d623d63'),
    ('a=b=c', 'latin1', '613d623d63'),
    ('a=b=c', 'hex', ''),
    ('a=b=c', 'base64', ''),
    ('a=b=c', 'base64url', ''),
    ('a=b=c', 'utf16le', '61003d0062003d006300'),
    ('QUJD\xffRA', 'utf8', '51554a44c3bf5241'),
    ('QUJD\xffRA', 'ascii', '51554a44ff5241'),
    ('QUJD\xffRA', 'latin1', '51554a44ff5241'),
    ('QUJD\xffRA', 'hex', ''),
    ('QUJD\xffRA', 'base64', '41424344'),
    ('QUJD\xffRA', 'base64url', '41424344'),
    ('QUJD\xffRA', 'utf16le', '510055004a004400ff0052004100'),
    ('\u0100QUJD', 'utf8', 'c48051554a44'),
    ('\u0100QUJD', 'ascii', '0051554a44'),
    ('\u0100QUJD', 'latin1', '0051554a44'),
    ('\u0100QUJD', 'hex', ''),
    ('\u0100QUJD', 'base64', '414243'),
    ('\u0100QUJD', 'base64url', '414243'),
    ('\u0100QUJD', 'utf16le', '0001510055004a004400'),
    ('\u0151UJD', 'utf8', 'c591554a44'),
    ('\u0151UJD', 'ascii', '51554a44'),
    ('\u0151UJD', 'latin1', '51554a44'),
    ('\u0151UJD', 'hex', ''),
    ('\u0151UJD', 'base64', '414243'),
    ('\u0151UJD', 'base64url', '414243'),
    ('\u0151UJD', 'utf16le', '510155004a004400'),
    ('QU\u013dJD', 'utf8', '5155c4bd4a44'),
    ('QU\u013dJD', 'ascii', '51553d4a44'),
    ('QU\u013dJD', 'latin1', '51553d4a44'),
    ('QU\u013dJD', 'hex', ''),
    ('QU\u013dJD', 'base64', '41'),
    ('QU\u013dJD', 'base64url', '41'),
    ('QU\u013dJD', 'utf16le', '510055003d014a004400'),
    ('QUJD\U0001f600QUJD', 'utf8', '51554a44f09f988051554a44'),
    ('QUJD\U0001f600QUJD', 'ascii', '51554a443d0051554a44'),
    ('QUJD\U0001f600QUJD', 'latin1', '51554a443d0051554a44'),
    ('QUJD\U0001f600QUJD', 'hex', ''),
    ('QUJD\U0001f600QUJD', 'base64', '414243'),
    ('QUJD\U0001f600QUJD', 'base64url', '414243'),
    ('QUJD\U0001f600QUJD', 'utf16le', '510055004a0044003dd800de510055004a004400'),
    ('QUJDRA===', 'utf8', '51554a4452413d3d3d'),
    ('QUJDRA===', 'ascii', '51554a4452413d3d3d'),
    ('QUJDRA===', 'latin1', '51554a4452413d3d3d'),
    ('QUJDRA===', 'hex', ''),
    ('QUJDRA===', 'base64', '41424344'),
    ('QUJDRA===', 'base64url', '41424344'),
    ('QUJDRA===', 'utf16le', '510055004a004400520041003d003d003d00'),
    ('QUJDRA=x', 'utf8', '51554a4452413d78'),
    ('QUJDRA=x', 'ascii', '51554a4452413d78'),
    ('QUJDRA=x', 'latin1', '51554a4452413d78'),
    ('QUJDRA=x', 'hex', ''),
    ('QUJDRA=x', 'base64', '41424344'),
    ('QUJDRA=x', 'base64url', '41424344'),
    ('QUJDRA=x', 'utf16le', '510055004a004400520041003d007800'),
    ('QR', 'utf8', '5152'),
    ('QR', 'ascii', '5152'),
    ('QR', 'latin1', '5152'),
    ('QR', 'hex', ''),
    ('QR', 'base64', '41'),
    ('QR', 'base64url', '41'),
    ('QR', 'utf16le', '51005200'),
    ('QUJDRB', 'utf8', '51554a445242'),
    ('QUJDRB', 'ascii', '51554a445242'),
    ('QUJDRB', 'latin1', '51554a445242'),
    ('QUJDRB', 'hex', ''),
    ('QUJDRB', 'base64', '41424344'),
    ('QUJDRB', 'base64url', '41424344'),
    ('QUJDRB', 'utf16le', '510055004a00440052004200'),
    ('aGVsbG8gd29ybGQ=', 'utf8', '6147567362473867643239796247513d'),
    ('aGVsbG8gd29ybGQ=', 'ascii', '6147567362473867643239796247513d'),
    ('aGVsbG8gd29ybGQ=', 'latin1', '6147567362473867643239796247513d'),
    ('aGVsbG8gd29ybGQ=', 'hex', ''),
    ('aGVsbG8gd29ybGQ=', 'base64', '68656c6c6f20776f726c64'),
    ('aGVsbG8gd29ybGQ=', 'base64url', '68656c6c6f20776f726c64'),
    ('aGVsbG8gd29ybGQ=', 'utf16le', '6100470056007300620047003800670064003200390079006200470051003d00'),
    ('aGVsbG8gd29ybGQ', 'utf8', '614756736247386764323979624751'),
    ('aGVsbG8gd29ybGQ', 'ascii', '614756736247386764323979624751'),
    ('aGVsbG8gd29ybGQ', 'latin1', '614756736247386764323979624751'),
    ('aGVsbG8gd29ybGQ', 'hex', ''),
    ('aGVsbG8gd29ybGQ', 'base64', '68656c6c6f20776f726c64'),
    ('aGVsbG8gd29ybGQ', 'base64url', '68656c6c6f20776f726c64'),
    ('aGVsbG8gd29ybGQ', 'utf16le', '610047005600730062004700380067006400320039007900620047005100'),
    (' aGVs\tbG8g\r\nd29y bGQ= ', 'utf8', '206147567309624738670d0a64323979206247513d20'),
    (' aGVs\tbG8g\r\nd29y bGQ= ', 'ascii', '206147567309624738670d0a64323979206247513d20'),
    (' aGVs\tbG8g\r\nd29y bGQ= ', 'latin1', '206147567309624738670d0a64323979206247513d20'),
    (' aGVs\tbG8g\r\nd29y bGQ= ', 'hex', ''),
    (' aGVs\tbG8g\r\nd29y bGQ= ', 'base64', '68656c6c6f20776f726c64'),
    (' aGVs\tbG8g\r\nd29y bGQ= ', 'base64url', '68656c6c6f20776f726c64'),
    (' aGVs\tbG8g\r\nd29y bGQ= ', 'utf16le', '20006100470056007300090062004700380067000d000a00640032003900790020006200470051003d002000'),
    ('\x00\x01', 'utf8', '0001'),
    ('\x00\x01', 'ascii', '0001'),
    ('\x00\x01', 'latin1', '0001'),
    ('\x00\x01', 'hex', ''),
    ('\x00\x01', 'base64', ''),
    ('\x00\x01', 'base64url', ''),
    ('\x00\x01', 'utf16le', '00000100'),
    ('b8\udc04\ud96f}d', 'hex', 'b8'),
    ('\ue48a\u0141\xad\u5ebc=', 'utf16le', '8ae44101ad00bc5e3d00'),
    (' 0\xdc\x14\xb2\u013d\r', 'utf8', '2030c39c14c2b2c4bd0d'),
    ('\udf11\u026b', 'base64url', ''),
    ('1U\U000e9d0a', 'base64url', 'd548'),
    (' \n', 'utf8', '200a'),
    ('6\xe7\u2858*!\uda68\u3d3d7bhd\u59b0', 'ascii', '36e7582a21683d37626864b0'),
    ('\u2601\u64984', 'utf16le', '012698643400'),
    ('\u5e62Q=\x00\u0273\uf44c=\udbae\r', 'utf8', 'e5b9a2513d00c9b3ef918c3defbfbd0d'),
    ('\uc081', 'latin1', '81'),
    ('\udbfe*\ud948\U000bc773\u73cdACR\uda09A\xca\xa8D', 'utf16le', 'fedb2a0048d9b1da73dfcd7341004300520009da4100ca00a8004400'),
    ('', 'latin1', ''),
    ('1\ub2f6A\ude00', 'base64url', 'd4'),
    ('\xd8\U000aefe6\u013dc', 'base64url', ''),
    ('\uf6dfU\xc91N2j\U00052e65C6e\nF', 'base64', '5353768de0ba78'),
    ('\u3d3d\xad\rz/\u0601\u81f2\u013d\u04ad\u01eb*0\u0543', 'utf16le', '3d3dad000d007a002f000106f2813d01ad04eb012a0030004305'),
    ('\x0b3 \r\u0356DUca', 'utf8', '0b33200dcd9644556361'),
    ('\U0003c4adc\udac7\ud94d\ud9d1\uda30', 'base64url', '70cd'),
    ('\u0141\r\uff41\U000166b5) \ud736\u0141\t', 'utf16le', '41010d0041ff19d8b5de2900200036d741010900'),
    ('\udbc4\u06dd\ud948\u3153\udeacD\x00\u05ac\x0b!', 'hex', ''),
    ('\u0352J\u1250\x00\ub1fb \x0b\ud83d1\udc9e\udeb4\u0732', 'latin1', '524a5000fb200b3d319eb432'),
    ('6A6\x87\u29ba.', 'base64', 'e80e'),
    ('J2\u0491e', 'utf8', '4a32d29165'),
    ('\x17\n\U0009357b-6\xb3,f', 'ascii', '170a0d7b2d36b32c66'),
    ('\ud83d\x13=U.A\x00\x98', 'base64url', ''),
    ('', 'utf8', ''),
    ('JA=', 'latin1', '4a413d'),
    ('x\x0b\u0295\x86\n', 'base64url', ''),
    ('\x00`9\ud858dA\ud920\u3d3dJy\xe0\udc34\x00', 'utf16le', '00006000390058d86400410020d93d3d4a007900e00034dc0000'),
    ('2E\u0161\ua710\u0141\xf1\u05d0\ud93d', 'latin1', '3245611041f1d03d'),
    ('-\udf10\xd2\u02e1\ud83d\x1be\ud917\u033c\xfd\t', 'utf8', '2defbfbdc392cba1efbfbd1b65efbfbdccbcc3bd09'),
    ('8\u393f\x84E6J\ue8f68\ub8d2', 'utf8', '38e3a4bfc28445364aeea3b638eba392'),
    ('\xcf\uc873\x98=\n\ud9fa4QC\u02bd\ue4a0', 'ascii', 'cf73983d0afa345143bda0'),
    ('\xc0\u3d3dc\n\u42de\ud83d\u02d0\u07400=\u01a85\x9b\U00073e47', 'latin1', 'c03d630ade3dd040303da8359b8f47'),
    ('cA\udac5\ub536\u013d\u0161dF\u048b\u0161\xd9\U000b671d8', 'utf8', '6341efbfbdeb94b6c4bdc5a16446d28bc5a1c399f2b69c9d38'),
    ('5\ua8c8\u0465\uda9e\ud83d=\u90ad \u0161J\U000b39de', 'base64', 'e5'),
    ('\u3448\u068b\x19\U000bfb31\udcba', 'base64', '1f'),
    ('b\u3d3d.\u03fb\u07a9BdZA\u013d', 'ascii', '623d2efba942645a413d'),
    ('7\u0161F\xa181\u0547f\xa0', 'latin1', '376146a138314766a0'),
    ('\x00-4\xcd_ \x91!Z\ud8a4d', 'hex', ''),
    ('=\udff2\u013d2\u0141n8', 'utf8', '3defbfbdc4bd32c5816e38'),
    ('\x85\ud885 \ud83d\x00\x7f\udc8c\u0694', 'utf16le', '850085d820003dd800007f008cdc9406'),
    ('', 'base64url', ''),
    ('\r\ude00_5=\udc2aM\xac\ud87c\udbb51eE', 'base64', 'ff'),
    ('\u67e1\U000fd64b\ud818', 'hex', ''),
    ('\ua93d\n\n\u013d\u0570\u0141\udf797\ude59l\u03a0', 'latin1', '3d0a0a3d70417937596ca0'),
    ('f', 'base64url', ''),
    ('h:', 'hex', ''),
    ('', 'ascii', ''),
    ('\xb7\udc30\x81m\u0627\xc6\udab2\u0141\xdf\u0141', 'utf8', 'c2b7efbfbdc2816dd8a7c386efbfbdc581c39fc581'),
    ('=\xcc\u05ea\x99\xf4x\xe1', 'hex', ''),
    ('c7m\x00ce\udc0f33e40A', 'latin1', '63376d0063650f333365343041'),
    ('\x001\u013d2\uf79d', 'utf16le', '000031003d0132009df7'),
    ('\x0b\udde6*\x0b\udfae\u013d\xc1\u01b8 _\ude00y\x00', 'utf16le', '0b00e6dd2a000b00aedf3d01c100b80120005f0000de79000000'),
    ('\uf762ce\uff41\x14/5\u013d\x00>8', 'latin1', '62636541142f353d003e38'),
    (' \u587bB\xad\U000c53771\u0141x\x8f', 'utf16le', '20007b584200ad00d4da77df3100410178008f00'),
    ('\x0fJ\x15\u350cc', 'ascii', '0f4a150c63'),
    ('eJ\u7c22c\xba', 'hex', ''),
    ('d\U00036271\u7f92\udb482cJ5f', 'latin1', '649871924832634a3566'),
    ('', 'utf8', ''),
    ('\u6716\udac9\x8c\xf8+\t\x0b\u0161\u061acE\udbc4', 'latin1', '16c98cf82b090b611a6345c4'),
    ('\u7294\ud9fb/\ud2c5', 'utf8', 'e78a94efbfbd2fed8b85'),
    ('J\u9e85', 'ascii', '4a85'),
    ('f=\ud849\u3d3d', 'utf16le', '66003d0049d83d3d'),
    ('A\u020a\u06fdXz\ud9bd\u197f\uac75f', 'hex', ''),
    ('\u045a\udca8', 'base64', ''),
    ('y\ua12fc\udc08\n\u3d3d', 'latin1', '792f63080a3d'),
    ('W\rB_\u06da\ubabf\u04ce', 'utf16le', '57000d0042005f00da06bfbace04'),
    (',D\udf59yz\udc5a\u021c', 'latin1', '2c4459797a5a1c'),
    ('\u0274\u028e1\ud9a5\xef.f\udfc8\x15\xdeE1\u013d', 'base64', 'b757c4'),
    ('\U000e5ba2\udcf1', 'base64url', ''),
    ('\xc1\U00037ff4\x0e5b\u0683\u0141\u0362\u1d5a\udc07*', 'utf16le', 'c1009fd8f4df0e00350062008306410162035a1d07dc2a00'),
    ('\u04c9F\u05b6', 'hex', ''),
    ('\xbb+', 'base64url', ''),
    ('\t\u013d=\u013d\xed\U00082de3\u06655\xe9\xb0f\u041b', 'latin1', '093d3d3dedcbe36535e9b0661b'),
    ('\uc745\ude00/c\xe7"E\u028f7C', 'hex', ''),
    ('\n\x07_E\u0351\x8b\xa8\uf3b1\u0161B\u058d\u06d7', 'base64', 'fc441a'),
    ('\u87a5\u02bb/*\u049d%=e\u4906', 'ascii', 'a5bb2f2a9d253d6506'),
    ('\u013dx', 'base64url', ''),
    ('\xcf-\r\u0141\u0141 ', 'ascii', 'cf2d0d414120'),
    ('\u03bc\u0742\ucfec\x00\ucc88\udd85', 'ascii', 'bc42ec008885'),
    ('\x1b\u93aa \x0b\u2df1\udbea\u01615\u3d3d', 'ascii', '1baa200bf1ea61353d'),
    ('+8\u647e\u0161B\u760d-\u0161', 'latin1', '2b387e61420d2d61'),
    ('-\u2701\u0141\u013d\u6029\u0534z\udad0F', 'base64', 'f8'),
    ('\u0838\x0c\x0b\u54d0\t\rF', 'utf16le', '38080c000b00d05409000d004600'),
    ('J5\U00027a73', 'ascii', '4a355e73'),
    ('', 'utf16le', ''),
    ('y\U0003a00be\U0010dc61\u43d9\u2367 ', 'hex', ''),
    ('\uff41\u01415\ubef4\u6165\xe8QD\x0b.', 'base64', '000e5e40'),
    ('\u0141.\xc3\xcb\x0b\x0b6C1\U000fc5e3\ud9f5\xe4', 'hex', ''),
    ('-\u067a\U0002dfde\u3fb0', 'hex', ''),
    ('DA\udd4f\u04257\xb4\u0642\u0141', 'hex', 'da'),
    ('xb\ucbd3]\t=\x0b\xb0', 'utf16le', '78006200d3cb5d0009003d000b00b000'),
    ('\u1e23\u06270\x9a', 'hex', ''),
    ('\u76ec\x90', 'ascii', 'ec90'),
    ('*\u3d3d/7\u023c\xcbD', 'hex', ''),
    ('', 'utf8', ''),
    ('\U000327b9', 'latin1', '89b9'),
    ('\x0b\u0643.\u3d3d\udedd\xa1', 'utf8', '0bd9832ee3b4bdefbfbdc2a1'),
    ('A4b4\r\ude00\u0339', 'utf16le', '41003400620034000d0000de3903'),
    ('18 \xae\x9cB\uc6d4+', 'utf8', '313820c2aec29c42ec9b942b'),
    ('\u0ef3f\u041c\ud8ea\x1d', 'base64url', ''),
    ('\ud83d2Dy8', 'base64', ''),
    ('c\u0141|\ud8399\xd3b\u0428\tJ\u0524', 'hex', 'ca'),
    (' e\udbd0', 'utf8', '2065efbfbd'),
    ('\xeb=\udb55\ud8a7bEdc\x8e', 'base64', ''),
    ('\xb0\xbe', 'base64url', ''),
    ('\xbc\uff41\ud280C\xc1f\ude00\udbd2', 'latin1', 'bc418043c16600d2'),
    ('c\u0227D\x11\u3cb7\u03d9\x96\u5c20*\xbb\udea8\u789f\x9c', 'base64url', '70'),
    ('4', 'base64', ''),
    ('\x00\uff41', 'base64', ''),
    ('', 'utf16le', ''),
    ('0/\u064d\xec\u3d3d\u38db\x0b\ud8da', 'ascii', '302f4dec3ddb0bda'),
    ('\xf2\uf49f\u06d7\u0636=\u0e70\x00\udede\xc3\x83Df', 'ascii', 'f29fd7363d7000dec3834466'),
    ('\xfbJ\u3d3d', 'utf16le', 'fb004a003d3d'),
    ('\n\uda60E\uda697', 'base64', '122e'),
    ('2\ueceeBB\xf2', 'utf8', '32eeb3ae4242c3b2'),
    ('Q\u07fc3\u8597f0\u05b5\u0161\ud83d6\u58a4\u3324', 'utf16le', '5100fc073300978566003000b50561013dd83600a4582433'),
    ('b\U0002a7cb\ud9891', 'utf16le', '620069d8cbdf89d93100'),
    ('\u1371\u013d\x9d=5', 'utf8', 'e18db1c4bdc29d3d35'),
    ('', 'utf16le', ''),
    ('\xbc\u408a\u381d0e{x\u0136\ude00x\u070f\udd86', 'utf16le', 'bc008a401d38300065007b007800360100de78000f0786dd'),
    ('\ud9cdyb\uddfe\u0161\ud8173\ud83d\u01616\u3d3d', 'utf16le', 'cdd979006200fedd610117d833003dd8610136003d3d'),
    ('\u03aaA\xf0\u066a', 'hex', ''),
    ('\u414fJB', 'base64', '3890'),
    ('', 'hex', ''),
    ('\xbb\ud83d\u65fe', 'hex', ''),
    ('\ube5c\n9a', 'hex', ''),
    ('\u3d3d\ud5e0D3\xe7\ude00\u0480\u0606', 'base64', ''),
    ('4\u070cA<d\ude97xq/', 'utf8', '34dc8c413c64efbfbd78712f'),
    ('\ude7e\nFB =', 'utf8', 'efbfbd0a4642203d'),
    ('\x7f\U000d5eb2\u965b', 'latin1', '7f17b25b'),
    ('5', 'utf16le', '3500'),
    ('\u031b\u07e5=\u0794\u0457\xec9', 'ascii', '1be53d9457ec39'),
    ('\u401c\u02df*+=\xd1BQ\uda91', 'base64', ''),
    ('\xc2\U0005876c\t\u04c4', 'utf8', 'c382f1989dac09d384'),
    ('\u0207D\udd3aB\n\ude00\u9a63B', 'utf8', 'c88744efbfbd420aefbfbde9a9a342'),
    ('\u84ee', 'utf16le', 'ee84'),
    ('\u0141', 'utf16le', '4101'),
    ('\u0358\u02ef\u3d3dc\ud876\u0160\udd8e6', 'base64url', ''),
    ('\u7a4b\u013d6B-\udd55', 'ascii', '4b3d36422d55'),
    ('\u3d3d C\ud83d\u1eee\U000b871d\uda260\u068a\u0141\ud83d', 'latin1', '3d20433deea11d26308a413d'),
    ('8\uda52\ud9d2=\ude00\udc96.', 'latin1', '3852d23d00962e'),
    ('\u013dL4\u0141\u3670\u0d2b\x94', 'ascii', '3d4c3441702b94'),
    ('\udbb8\uff414\ude2a\u0161cx\uff41\udcc1\udee08', 'hex', ''),
    ('\uff41d\ud5d9F\x0b\u401b+5\x89b\u05780\U000cb933', 'base64', '01d17ee5bc74'),
    ('', 'base64', ''),
    ('', 'base64url', ''),
    ('10', 'hex', '10'),
    ('\u013dxjct/\x0e\uff41b\u0161', 'base64url', ''),
]

DECODER = [
    ('utf8', ['e2', '82', 'ac'], ['', '', '\u20ac', '']),
    ('utf8', ['e282'], ['', '\ufffd']),
    ('utf8', ['f09f'], ['', '\ufffd']),
    ('utf8', ['f09f', '41'], ['', '\ufffdA', '']),
    ('utf8', ['eda080'], ['\ufffd\ufffd\ufffd', '']),
    ('utf8', ['c080fffef888808080'], ['\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd', '']),
    ('utf8', ['e2', '82', '41'], ['', '', '\ufffdA', '']),
    ('utf8', ['80'], ['\ufffd', '']),
    ('utf8', ['e282', ''], ['', '', '\ufffd']),
    ('utf8', ['e0', '80'], ['', '', '\ufffd\ufffd']),
    ('utf8', ['e080', '8041'], ['', '\ufffd\ufffd\ufffdA', '']),
    ('utf8', ['61f0', '9f98', '8062'], ['a', '', '\U0001f600b', '']),
    ('utf8', ['f4908080'], ['\ufffd\ufffd\ufffd\ufffd', '']),
    ('utf8', ['4182'], ['A\ufffd', '']),
    ('utf8', ['8080808080'], ['\ufffd\ufffd\ufffd\ufffd\ufffd', '']),
    ('utf8', ['c3', 'a9c3', 'a9'], ['', '\xe9', '\xe9', '']),
    ('utf8', ['f880', '80'], ['\ufffd\ufffd', '\ufffd', '']),
    ('utf16le', ['61'], ['', '']),
    ('utf16le', ['610062'], ['a', '']),
    ('utf16le', ['3dd8'], ['', '\ud83d']),
    ('utf16le', ['3dd8', '00'], ['', '', '\ud83d']),
    ('utf16le', ['3dd8', '00de'], ['', '\U0001f600', '']),
    ('utf16le', ['3dd8', '4100'], ['', '\ud83dA', '']),
    ('utf16le', ['00de'], ['\ude00', '']),
    ('utf16le', ['3dd83dd8'], ['\ud83d', '\ud83d']),
    ('utf16le', ['3dd83d'], ['\ud83d', '']),
    ('utf16le', ['61003d', 'd800de'], ['a', '\U0001f600', '']),
    ('utf16le', ['3d', 'd8', '00', 'de'], ['', '\ud83d', '', '\ude00', '']),
    ('base64', ['01', '02', '0304'], ['', '', 'AQID', 'BA==']),
    ('base64', ['01020304'], ['AQID', 'BA==']),
    ('base64', ['0102'], ['', 'AQI=']),
    ('base64url', ['0102'], ['', 'AQI']),
    ('base64url', ['fbff', 'bf'], ['', '-_-_', '']),
    ('base64', ['fbff', 'bffe'], ['', '+/+/', '/g==']),
    ('hex', ['01ab', '', 'ff'], ['01ab', '', 'ff', '']),
    ('ascii', ['ff4180'], ['\x7fA\x00', '']),
    ('latin1', ['ff41', 'e9'], ['\xffA', '\xe9', '']),
    ('utf8', ['dd', '9b', 'c5ba5b'], ['', '\u075b', '\u017a[', '']),
    ('utf8', ['c2', 'a8', 'e7a3b5'], ['', '\xa8', '\u78f5', '']),
    ('ascii', ['', 'be'], ['', '>', '']),
    ('hex', ['da91cd', '', 'ab5727', 'f392', '96a7'], ['da91cd', '', 'ab5727', 'f392', '96a7', '']),
    ('latin1', ['72a5', '', '66', '37', '5f', '07', '', 'f3', '0f', 'b7', '02cb'], ['r\xa5', '', 'f', '7', '_', '\x07', '', '\xf3', '\x0f', '\xb7', '\x02\xcb', '']),
    ('ascii', ['d4d1f2', '', 'f0', 'e68e0f', '7e'], ['TQr', '', 'p', 'f\x0e\x0f', '~', '']),
    ('ascii', ['', 'a5cb', 'bdea', 'f0'], ['', '%K', '=j', 'p', '']),
    ('utf16le', ['c0', 'edb7f2'], ['', '\uedc0\uf2b7', '']),
    ('utf8', ['f3', '9bba', '80'], ['', '', '\U000dbe80', '']),
    ('utf8', ['', '1cf1d3', 'e9cfc0'], ['', '\x1c\ufffd', '\ufffd\ufffd\ufffd', '\ufffd']),
    ('utf16le', ['f5', '8b', 'f4'], ['', '\u8bf5', '', '']),
    ('hex', ['f0ea', 'e247'], ['f0ea', 'e247', '']),
    ('hex', ['8e7e4a', 'c0b835', '8596'], ['8e7e4a', 'c0b835', '8596', '']),
    ('base64', ['', '283cf2'], ['', 'KDzy', '']),
    ('utf8', ['a5f1', ''], ['\ufffd', '', '\ufffd']),
    ('hex', ['', 'f1', 'a08998e5', '93', 'aa', '', 'e7', 'bebdf1', '9a', 'b99d', 'f098', '', 'bd80'], ['', 'f1', 'a08998e5', '93', 'aa', '', 'e7', 'bebdf1', '9a', 'b99d', 'f098', '', 'bd80', '']),
    ('ascii', ['', 'a5ec9be2eb8b'], ['', '%l\x1bbk\x0b', '']),
    ('base64', ['f3a287', '8c'], ['86KH', '', 'jA==']),
    ('base64url', ['f3', 'af93d00d70a7eb', 'c4', '', '3e5d'], ['', '86-T0A1w', 'p-vE', '', '', 'Pl0']),
    ('utf16le', ['b3df', 'e3'], ['\udfb3', '', '']),
    ('utf8', ['84a1', ''], ['\ufffd\ufffd', '', '']),
    ('base64', ['abf2b2', 'f0', '', 'be22'], ['q/Ky', '', '', '8L4i', '']),
    ('ascii', ['', '254c', 'e3', '74', 'a0c0', '158f3f'], ['', '%L', 'c', 't', ' @', '\x15\x0f?', '']),
    ('utf8', ['e6', '1481', 'b4'], ['', '\ufffd\x14\ufffd', '\ufffd', '']),
    ('latin1', ['45a3', '882e'], ['E\xa3', '\x88.', '']),
    ('base64url', ['3dca', 'b5dacd', 'd2', '', 'e5', 'f3'], ['', 'Pcq1', '2s3S', '', '', '', '5fM']),
    ('base64url', ['1d'], ['', 'HQ']),
    ('utf16le', ['f2', '', 'dc'], ['', '', '\udcf2', '']),
    ('utf16le', ['df', 'f0', 'c0dedd', 'af', 'f2', '8d', '9b'], ['', '\uf0df', '\udec0', '\uafdd', '', '\u8df2', '', '']),
    ('base64url', ['4a42', 'b65bc1', 'a6'], ['', 'SkK2', 'W8Gm', '']),
    ('utf16le', ['e800d8', '0131', 'f3'], ['\xe8', '\u01d8', '\uf331', '']),
    ('ascii', ['', '', 'c5', '81', 'ce', 'd9b8', 'c7b0'], ['', '', 'E', '\x01', 'N', 'Y8', 'G0', '']),
    ('utf8', ['4a', 'f2', 'f1'], ['J', '', '\ufffd', '\ufffd']),
    ('base64', ['e9', 'e1', '89f88b', '39'], ['', '', '6eGJ', '+Is5', '']),
    ('ascii', ['9d', '9ff1', '48ea', '55', 'e7f3eba45f'], ['\x1d', '\x1fq', 'Hj', 'U', 'gsk$_', '']),
    ('base64url', ['79ea9e', '11'], ['eeqe', '', 'EQ']),
    ('ascii', [''], ['', '']),
    ('hex', ['', 'd446'], ['', 'd446', '']),
    ('base64', ['a0f5e9', '90', 'f3f018', 'f3', '', 'ea51'], ['oPXp', '', 'kPPw', '', '', 'GPPq', 'UQ==']),
    ('latin1', ['12', '801af3', '38', '148c', '', '', '125df2', 'f2'], ['\x12', '\x80\x1a\xf3', '8', '\x14\x8c', '', '', '\x12]\xf2', '\xf2', '']),
    ('base64', ['78', '78ecf20af3e1', '', 'c7'], ['', 'eHjs8grz', '', '', '4cc=']),
    ('latin1', ['7f'], ['\x7f', '']),
    ('ascii', ['e2', '', '21', '', 'd5', 'e3', '23f3'], ['b', '', '!', '', 'U', 'c', '#s', '']),
    ('latin1', ['bf45', '', '04', 'f2'], ['\xbfE', '', '\x04', '\xf2', '']),
    ('ascii', ['f2', '83', '89a3'], ['r', '\x03', '\t#', '']),
    ('ascii', ['ad', 'e7f3', 'f4', 'a5', 'dbf4f12dc9'], ['-', 'gs', 't', '%', '[tq-I', '']),
    ('hex', ['d1e7'], ['d1e7', '']),
    ('ascii', ['f0'], ['p', '']),
    ('hex', ['e6'], ['e6', '']),
    ('hex', ['', 'ec', '58', '', 'a0e692', '9cf2', '6a', '', '', 'a09a'], ['', 'ec', '58', '', 'a0e692', '9cf2', '6a', '', '', 'a09a', '']),
    ('utf8', [], ['']),
    ('ascii', ['b8a6', '6c52', '', 'cc'], ['8&', 'lR', '', 'L', '']),
    ('latin1', ['', '56', '', 'a8', 'd9', '', '617690', '', '48'], ['', 'V', '', '\xa8', '\xd9', '', 'av\x90', '', 'H', '']),
    ('ascii', [], ['']),
    ('base64url', ['d3', '82', 'ce99f2', '94', '9e', '95f0', '', 'b2d9a5'], ['', '', '04LO', 'mfKU', '', 'npXw', '', 'stml', '']),
    ('latin1', ['', '', 'c9', 'f4f0', 'b7a7', '9c'], ['', '', '\xc9', '\xf4\xf0', '\xb7\xa7', '\x9c', '']),
    ('latin1', ['ae', '', '33', 'ba', 'b7', '4661', 'f1f2', '', 'c7', '60'], ['\xae', '', '3', '\xba', '\xb7', 'Fa', '\xf1\xf2', '', '\xc7', '`', '']),
    ('ascii', [''], ['', '']),
    ('ascii', [], ['']),
    ('hex', ['f3', 'b8', '', '83', '', '80', '1e', '', '96', '', '92', '', '81', 'ca', '', '91', '2c', '', '12', '82'], ['f3', 'b8', '', '83', '', '80', '1e', '', '96', '', '92', '', '81', 'ca', '', '91', '2c', '', '12', '82', '']),
    ('latin1', ['c4dfbe', '37ae', 'a6ece0'], ['\xc4\xdf\xbe', '7\xae', '\xa6\xec\xe0', '']),
    ('utf8', ['7d', '', '492099'], ['}', '', 'I \ufffd', '']),
    ('utf16le', ['dcc2'], ['\uc2dc', '']),
    ('base64', ['bae5ff46', '30e6'], ['uuX/', 'RjDm', '']),
    ('latin1', ['', 'b8d8a8', 'e7ee9a16b5f1', '', '', '49'], ['', '\xb8\xd8\xa8', '\xe7\xee\x9a\x16\xb5\xf1', '', '', 'I', '']),
    ('ascii', [], ['']),
    ('hex', ['afe4'], ['afe4', '']),
    ('latin1', ['6a', 'f2', '', 'e959f5d3'], ['j', '\xf2', '', '\xe9Y\xf5\xd3', '']),
    ('utf16le', ['8d9adc', 'f2', '', 'c8', 'eeaab3'], ['\u9a8d', '\uf2dc', '', '', '\ueec8\ub3aa', '']),
    ('ascii', ['', '61', '9a'], ['', 'a', '\x1a', '']),
    ('ascii', ['d2', '', 'ab', '38', '81', 'b2'], ['R', '', '+', '8', '\x01', '2', '']),
    ('utf8', ['c442', '9c', '2a', '', '28'], ['\ufffdB', '\ufffd', '*', '', '(', '']),
    ('hex', ['f0', 'cb0969', '', '813de4', 'e9f2'], ['f0', 'cb0969', '', '813de4', 'e9f2', '']),
    ('base64url', ['', '7f'], ['', '', 'fw']),
    ('hex', ['430892', '', '265df4'], ['430892', '', '265df4', '']),
    ('ascii', ['', '29e5', 'f0', 'd0', '9e'], ['', ')e', 'p', 'P', '\x1e', '']),
    ('ascii', ['40', 'f0', 'f0a7', '1b', 'e6a0', '06', 'ae'], ['@', 'p', "p'", '\x1b', 'f ', '\x06', '.', '']),
    ('ascii', ['d2e4', 'c2', 'e8e7'], ['Rd', 'B', 'hg', '']),
    ('ascii', ['', 'b898a2964f', '96', '78', '1a', '', '3d'], ['', '8\x18"\x16O', '\x16', 'x', '\x1a', '', '=', '']),
    ('latin1', ['e6b39f'], ['\xe6\xb3\x9f', '']),
    ('utf8', ['13', 'd395', '19', '59f0d5', '', 'f1'], ['\x13', '\u04d5', '\x19', 'Y\ufffd', '', '\ufffd', '\ufffd']),
    ('utf8', ['9b9f'], ['\ufffd\ufffd', '']),
    ('latin1', ['', 'f16d68', 'aca9a2', '29f2d2', 'f3', '5d'], ['', '\xf1mh', '\xac\xa9\xa2', ')\xf2\xd2', '\xf3', ']', '']),
    ('utf8', ['', 'ee', 'e2', '66', 'b7'], ['', '', '\ufffd', '\ufffdf', '\ufffd', '']),
    ('base64url', ['5b', 'e6', '7b', '', 'e431f25655', '', '', '59', 'ac'], ['', '', 'W-Z7', '', '5DHy', '', '', 'VlVZ', '', 'rA']),
    ('latin1', ['f36ee2'], ['\xf3n\xe2', '']),
    ('latin1', [], ['']),
    ('base64url', ['4d', '3f'], ['', '', 'TT8']),
    ('latin1', ['f291', '8e93', '', 'e1a3a9c9a847', '6a'], ['\xf2\x91', '\x8e\x93', '', '\xe1\xa3\xa9\xc9\xa8G', 'j', '']),
    ('ascii', ['ec', 'c6f49f', '', 'f1', '', '92', '', '8fab'], ['l', 'Ft\x1f', '', 'q', '', '\x12', '', '\x0f+', '']),
    ('base64url', ['', '6fd0f4', '27cb', 'eb', '715d'], ['', 'b9D0', '', 'J8vr', '', 'cV0']),
    ('base64', ['cd'], ['', 'zQ==']),
    ('ascii', ['2ff455', 'ef', 'f0', 'e1'], ['/tU', 'o', 'p', 'a', '']),
    ('latin1', ['e1', 'bca0d2', '896f'], ['\xe1', '\xbc\xa0\xd2', '\x89o', '']),
    ('hex', ['bba5', '4b', '3d'], ['bba5', '4b', '3d', '']),
    ('ascii', ['291c', 'd23e', 'f5', ''], [')\x1c', 'R>', 'u', '', '']),
    ('base64url', [], ['']),
    ('utf16le', ['', 'd8e2', '', 'aaf0', '9fdedb8b', 'f0'], ['', '\ue2d8', '', '\uf0aa', '\ude9f\u8bdb', '', '']),
    ('utf16le', ['44', 'b3'], ['', '\ub344', '']),
    ('base64url', ['54'], ['', 'VA']),
    ('utf8', ['f3', 'e4', '', 'bc82da8ff4'], ['', '\ufffd', '', '\u4f02\u068f', '\ufffd']),
    ('base64url', ['70d4f5'], ['cNT1', '']),
    ('ascii', ['f1b986b347e0b9', '', '9b'], ['q9\x063G`9', '', '\x1b', '']),
    ('utf8', ['1d', '9bdc', '', '96', '', '52'], ['\x1d', '\ufffd', '', '\u0716', '', 'R', '']),
    ('base64url', [], ['']),
    ('base64url', ['ee', '790535', '4aea', '357c'], ['', '7nkF', 'NUrq', '', 'NXw']),
    ('base64url', ['', 'c186'], ['', '', 'wYY']),
    ('hex', ['', '62', '', 'e51184a3f2'], ['', '62', '', 'e51184a3f2', '']),
    ('utf16le', ['e2f2f0de', 'dcf3df', 'df', 'e9', 'd8'], ['\uf2e2\udef0', '\uf3dc', '\udfdf', '', '\ud8e9', '']),
    ('utf16le', ['', '4b07'], ['', '\u074b', '']),
    ('ascii', ['29', 'ac', '086554dfed', 'abcf', ''], [')', ',', '\x08eT_m', '+O', '', '']),
    ('utf16le', ['98dddee0ec', '', '9a', 'e8', 'f1'], ['\udd98\ue0de', '', '\u9aec', '', '\uf1e8', '']),
    ('hex', ['', '', '', 'c267', '7c7f', '96', '80', 'a7'], ['', '', '', 'c267', '7c7f', '96', '80', 'a7', '']),
    ('base64url', ['', '35', '63', '49b782', 'c393'], ['', '', '', 'NWNJ', 't4LD', 'kw']),
    ('latin1', ['', '', '', 'e7b093', 'f0', 'a5', 'aa', 'bceaa3', '97d8', 'b577'], ['', '', '', '\xe7\xb0\x93', '\xf0', '\xa5', '\xaa', '\xbc\xea\xa3', '\x97\xd8', '\xb5w', '']),
    ('base64url', ['46', 'e0', 'b69cf29090', '9145', '8bf0a6', '84', '99'], ['', '', 'RuC2nPKQ', 'kJFF', 'i_Cm', '', '', 'hJk']),
    ('base64', ['', 'e4b785'], ['', '5LeF', '']),
    ('ascii', ['66', '', 'f193', 'fe', '71', 'e8'], ['f', '', 'q\x13', '~', 'q', 'h', '']),
    ('latin1', ['31', '8a', 'aa', 'f0', '949380cfb2'], ['1', '\x8a', '\xaa', '\xf0', '\x94\x93\x80\xcf\xb2', '']),
    ('base64url', ['ee'], ['', '7g']),
    ('base64', ['e3b104'], ['47EE', '']),
    ('base64', ['45', '', 'e2', '', '94ba', 'f0b7aa', '', '9d'], ['', '', '', '', 'ReKU', 'uvC3', '', '', 'qp0=']),
    ('utf16le', ['97', '86', 'e7fff0', 'c9dbda', 'a7', '9d'], ['', '\u8697', '\uffe7', '\uc9f0', '', '\udadb\u9da7', '']),
    ('base64', ['cdb6b3', 'f4f4', '53', '', '63a6', '17'], ['zbaz', '', '9PRT', '', '', 'Y6YX', '']),
    ('latin1', ['e9', '5be2', '', 'c099', 'aab76eb0'], ['\xe9', '[\xe2', '', '\xc0\x99', '\xaa\xb7n\xb0', '']),
    ('base64', ['', 'f0', '989a88'], ['', '', '8Jia', 'iA==']),
    ('latin1', ['e9', '', 'b2f8', 'cf', 'f393', 'c7', 'f1', 'dc', 'a0'], ['\xe9', '', '\xb2\xf8', '\xcf', '\xf3\x93', '\xc7', '\xf1', '\xdc', '\xa0', '']),
    ('hex', ['25a5ea4ff3'], ['25a5ea4ff3', '']),
    ('ascii', ['eef45929bd02', ''], ['ntY)=\x02', '', '']),
    ('hex', ['5e', '', '57a4', '96'], ['5e', '', '57a4', '96', '']),
    ('latin1', ['e3', '', '', '', '', 'e290f8', 'ee', 'fff29f'], ['\xe3', '', '', '', '', '\xe2\x90\xf8', '\xee', '\xff\xf2\x9f', '']),
    ('latin1', ['c5f0'], ['\xc5\xf0', '']),
    ('latin1', ['8182', 'a31193', 'f0b2'], ['\x81\x82', '\xa3\x11\x93', '\xf0\xb2', '']),
    ('base64url', ['63aa', 'abf0'], ['', 'Y6qr', '8A']),
    ('base64', [], ['']),
    ('ascii', ['2b1cf0', '', '8215f2'], ['+\x1cp', '', '\x02\x15r', '']),
    ('latin1', ['93', '77ef', '8c88', '', '71'], ['\x93', 'w\xef', '\x8c\x88', '', 'q', '']),
    ('base64url', ['f2a886', 'a7d8be', 'f0', 'a5a7', '', 'a4', 'f0', 'b5a8', '', '', 'b9'], ['8qiG', 'p9i-', '', '8KWn', '', '', '', 'pPC1', '', '', '', 'qLk']),
    ('hex', ['c0'], ['c0', '']),
    ('base64url', ['d5eb', '60', '91'], ['', '1etg', '', 'kQ']),
    ('utf16le', ['dad8d1dc', '5200'], ['\U000468d1', 'R', '']),
    ('utf8', ['09', '51', '3996'], ['\t', 'Q', '9\ufffd', '']),
    ('ascii', ['ed8393', 'e8929c', '4ef382a084f3', '', 'ffa6', '81'], ['m\x03\x13', 'h\x12\x1c', 'Ns\x02 \x04s', '', '\x7f&', '\x01', '']),
    ('hex', ['75a9'], ['75a9', '']),
    ('base64url', ['', '', '1642030821afda', 'ab', '', '82b6'], ['', '', 'FkIDCCGv', '', '', '2quC', 'tg']),
    ('base64url', ['d4', 'f421e10b', '54'], ['', '1PQh', '4QtU', '']),
    ('base64url', ['', '78d17eb997', '35'], ['', 'eNF-', 'uZc1', '']),
    ('ascii', ['', 'a4', ''], ['', '$', '', '']),
    ('latin1', ['95', '', '9af3'], ['\x95', '', '\x9a\xf3', '']),
    ('utf16le', ['260082', '01', '', 'dc043f', '', '30', '3cca'], ['&', '\u0182', '', '\u04dc', '', '\u303f', '\uca3c', '']),
]

TO_STRING = [
    ('utf8', '569351', 'V\ufffdQ'),
    ('utf8', '3800fee8f0c1f0479b', '8\x00\ufffd\ufffd\ufffd\ufffd\ufffdG\ufffd'),
    ('utf8', '', ''),
    ('utf8', '7b518cffe4e3c1', '{Q\ufffd\ufffd\ufffd\ufffd\ufffd'),
    ('utf8', '21e39cbcd0b941', '!\u373c\u0439A'),
    ('utf8', 'eca6b8e4b291a8bd8a9e0aa2', '\uc9b8\u4c91\ufffd\ufffd\ufffd\ufffd\n\ufffd'),
    ('ascii', '433fd430f27c9f6bf3', 'C?T0r|\x1fks'),
    ('ascii', 'eaded15abe', 'j^QZ>'),
    ('ascii', '82f4498545dd6c63', '\x02tI\x05E]lc'),
    ('ascii', 'e0bcabab', '`<++'),
    ('ascii', '', ''),
    ('ascii', 'e0be98f48e95afc8b82f', '`>\x18t\x0e\x15/H8/'),
    ('latin1', '2cbb2bf2bb07', ',\xbb+\xf2\xbb\x07'),
    ('latin1', 'e1e3', '\xe1\xe3'),
    ('latin1', '939b8c', '\x93\x9b\x8c'),
    ('latin1', 'c4a3', '\xc4\xa3'),
    ('latin1', 'ba9e', '\xba\x9e'),
    ('latin1', '', ''),
    ('hex', '', ''),
    ('hex', 'b0192b5cf8e6', 'b0192b5cf8e6'),
    ('hex', 'f180', 'f180'),
    ('hex', '7dfe', '7dfe'),
    ('hex', 'e51dfe87f1f012', 'e51dfe87f1f012'),
    ('hex', '27f285ab97f280f294', '27f285ab97f280f294'),
    ('base64', 'e7b091f3a8bca2cdbce2a4bfda8e', '57CR86i8os284qS/2o4='),
    ('base64', 'f3', '8w=='),
    ('base64', '', ''),
    ('base64', 'eb92b4f1', '65K08Q=='),
    ('base64', 'da9b62a1a76fc7a5', '2ptioadvx6U='),
    ('base64', '421ae3a8f03ff4ba4ef0', 'QhrjqPA/9LpO8A=='),
    ('base64url', 'c9b82894ffd9f3f52df24f', 'ybgolP_Z8_Ut8k8'),
    ('base64url', 'ed121f46857cf8', '7RIfRoV8-A'),
    ('base64url', '53f2', 'U_I'),
    ('base64url', '73d5a23d65e0d182', 'c9WiPWXg0YI'),
    ('base64url', '33ec32', 'M-wy'),
    ('base64url', '21d4f28b2a55ecff', 'IdTyiypV7P8'),
    ('utf16le', 'dfc1dc', '\uc1df'),
    ('utf16le', '', ''),
    ('utf16le', 'b7dadd', '\udab7'),
    ('utf16le', 'ef9ca6ceddf3f187bc9e', '\u9cef\ucea6\uf3dd\u87f1\u9ebc'),
    ('utf16le', 'f1db', '\udbf1'),
    ('utf16le', 'f5f3d8d9cddcdddac4d997', '\uf3f5\U000860cd\udadd\ud9c4'),
]
