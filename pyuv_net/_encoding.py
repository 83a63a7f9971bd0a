"""Node.js Buffer encodings: names, ``Buffer.from(str, enc)`` and StringDecoder.

A Python ``str`` is treated as the JavaScript string with the same UTF-16 code
units: a character above U+FFFF is a surrogate pair, and two surrogate code
points that form a pair in the Python string are that pair.  This is what makes
``encode`` agree with node 20 on strings with surrogates, and why decoders
return combined characters where JavaScript's string would hold a valid pair.
"""

from __future__ import annotations

import binascii
import codecs
import re
from typing import Any, Optional, Union

__all__ = ['normalize_encoding', 'encode', 'decode', 'Decoder', 'ENCODINGS']

#: The canonical names ``normalize_encoding`` returns.
ENCODINGS = ('utf8', 'ascii', 'latin1', 'hex', 'base64', 'base64url',
             'utf16le')

_ALIASES = {
    'utf8': 'utf8', 'utf-8': 'utf8',
    'ascii': 'ascii',
    'latin1': 'latin1', 'binary': 'latin1',
    'hex': 'hex',
    'base64': 'base64',
    'base64url': 'base64url',
    'utf16le': 'utf16le', 'utf-16le': 'utf16le',
    'ucs2': 'utf16le', 'ucs-2': 'utf16le',
}


def _unknown_encoding(enc: Any) -> ValueError:
    err = ValueError('Unknown encoding: %s' % (enc,))
    err.code = 'ERR_UNKNOWN_ENCODING'  # type: ignore[attr-defined]
    return err


def normalize_encoding(enc: Any) -> str:
    """Node's canonical name for ``enc`` (case-insensitive aliases).

    ``None`` and ``''`` mean ``'utf8'``, as Node's ``undefined``/``null``/``''``
    do for a StringDecoder or a stream.  Anything else unknown raises
    ``ValueError`` with ``code == 'ERR_UNKNOWN_ENCODING'``.
    """
    if type(enc) is str:
        name = _ALIASES.get(enc)
        if name is not None:
            return name
        name = _ALIASES.get(enc.lower())
        if name is not None:
            return name
        if enc == '':
            return 'utf8'
    elif enc is None:
        return 'utf8'
    elif isinstance(enc, str):  # str subclass
        return normalize_encoding(str(enc))
    raise _unknown_encoding(enc)


# --------------------------------------------------------------------------
# encoding: str -> bytes
# --------------------------------------------------------------------------

def _lone_surrogates(exc: UnicodeError) -> Any:
    """Error handler: surrogate pairs -> their character, lone -> U+FFFD."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    text = exc.object
    out = []
    i = exc.start
    end = exc.end
    while i < end:
        c = ord(text[i])
        if 0xD800 <= c < 0xDC00 and i + 1 < end:
            d = ord(text[i + 1])
            if 0xDC00 <= d < 0xE000:
                out.append(chr(0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00)))
                i += 2
                continue
        out.append('\ufffd')
        i += 1
    # CPython's utf-8 encoder only takes ASCII str replacements: give bytes.
    return ''.join(out).encode('utf-8'), end


_HANDLER = 'pyuv_net.node_utf8'
codecs.register_error(_HANDLER, _lone_surrogates)


def _low_bytes(s: str) -> bytes:
    """The low byte of each UTF-16 code unit of ``s`` (what Node's one-byte
    encoders and its hex/base64 parsers look at)."""
    try:
        return s.encode('latin-1')
    except UnicodeEncodeError:
        return s.encode('utf-16-le', 'surrogatepass')[::2]


_HEX_PAIRS = re.compile(b'(?:[0-9A-Fa-f]{2})*')
_B64_JUNK = re.compile(b'[^A-Za-z0-9+/_-]+')
_B64_URL_TO_STD = bytes.maketrans(b'-_', b'+/')
_B64_STD_TO_URL = bytes.maketrans(b'+/', b'-_')


def _encode_hex(s: str) -> bytes:
    raw = _low_bytes(s)
    m = _HEX_PAIRS.match(raw)
    return binascii.unhexlify(m.group())  # type: ignore[union-attr]


def _encode_base64(s: str) -> bytes:
    raw = _low_bytes(s)
    stop = raw.find(b'=')
    if stop >= 0:
        raw = raw[:stop]
    raw = _B64_JUNK.sub(b'', raw).translate(_B64_URL_TO_STD)
    tail = len(raw) & 3
    if tail == 1:
        raw = raw[:-1]
    elif tail:
        raw += b'=' * (4 - tail)
    return binascii.a2b_base64(raw)


def encode(s: object, enc: str = 'utf8') -> bytes:
    """``Buffer.from(s, enc)`` as node 20 computes it (anything but a ``str``
    raises Node's TypeError, hence ``object``)."""
    if not isinstance(s, str):
        err = TypeError('The "string" argument must be of type str. '
                        'Received type %s' % type(s).__name__)
        err.code = 'ERR_INVALID_ARG_TYPE'  # type: ignore[attr-defined]
        raise err
    if enc == 'utf8' or enc == 'utf-8':
        name = 'utf8'
    else:
        name = normalize_encoding(enc)
    if name == 'utf8':
        try:
            return s.encode('utf-8')
        except UnicodeEncodeError:
            return s.encode('utf-8', _HANDLER)
    if name == 'latin1' or name == 'ascii':
        return _low_bytes(s)
    if name == 'utf16le':
        return s.encode('utf-16-le', 'surrogatepass')
    if name == 'hex':
        return _encode_hex(s)
    return _encode_base64(s)  # base64, base64url: one lenient parser


# --------------------------------------------------------------------------
# decoding: StringDecoder
# --------------------------------------------------------------------------

_CLEAR_HIGH_BIT = bytes(i & 0x7F for i in range(256))

BytesLike = Union[bytes, bytearray, memoryview]
#: What a decoder's ``write`` takes (a ``str`` passes through unchanged).
Chunk = Union[bytes, bytearray, memoryview, str]


def _as_bytes(data: Any) -> bytes:
    if type(data) is bytes:
        return data
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    err = TypeError('The "buf" argument must be bytes, bytearray or '
                    'memoryview. Received type %s' % type(data).__name__)
    err.code = 'ERR_INVALID_ARG_TYPE'  # type: ignore[attr-defined]
    raise err


class Decoder:
    """Incremental decoder with the semantics of Node's ``StringDecoder``.

    ``Decoder(enc)`` (``enc`` as ``normalize_encoding`` accepts) returns an
    instance of a per-encoding subclass.  ``write(data)`` returns the text
    complete so far, keeping an incomplete multi-byte character (utf8,
    utf16le) or an incomplete 3-byte group (base64, base64url) for the next
    call; a ``str`` is returned unchanged.  ``end(data=None)`` writes ``data``
    and flushes what is left (an incomplete utf8 character decodes to
    U+FFFD, a trailing odd utf16le byte is dropped, as Node).
    """

    __slots__ = ('encoding',)

    def __new__(cls, encoding: Any = 'utf8') -> 'Decoder':
        if cls is Decoder:
            name = normalize_encoding(encoding)
            cls = _DECODERS[name]
        return object.__new__(cls)

    def __init__(self, encoding: Any = 'utf8') -> None:
        self.encoding = normalize_encoding(encoding)

    def write(self, data: Chunk) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def _flush(self) -> str:
        return ''

    def end(self, data: Optional[Chunk] = None) -> str:
        if data is None:
            return self._flush()
        text = self.write(data)
        rest = self._flush()
        return text + rest if rest else text

    def __repr__(self) -> str:
        return '<%s %s>' % (type(self).__name__, self.encoding)


class _Utf8Decoder(Decoder):
    __slots__ = ('_buf', '_missing')

    def __init__(self, encoding: Any = 'utf8') -> None:
        self.encoding = 'utf8'
        self._buf = b''
        self._missing = 0

    def write(self, data: Chunk) -> str:
        if type(data) is not bytes:
            if isinstance(data, str):
                return data
            data = _as_bytes(data)
        missing = self._missing
        if not missing:
            if not data:
                return ''
            if data[-1] < 0x80:  # the common case: nothing to keep
                return data.decode('utf-8', 'replace')
            prefix = ''
        else:
            # Complete the character kept from the previous write, stopping
            # early at a byte that cannot continue it.
            take = 0
            limit = min(missing, len(data))
            while take < limit and data[take] & 0xC0 == 0x80:
                take += 1
            buf = self._buf + data[:take]
            data = data[take:]
            if take == limit and take < missing:
                self._buf = buf
                self._missing = missing - take
                return ''
            self._buf = b''
            self._missing = 0
            prefix = buf.decode('utf-8', 'replace')
            if not data:
                return prefix
            if data[-1] < 0x80:
                return prefix + data.decode('utf-8', 'replace')
        # The last byte is not ASCII: find where its character starts.
        n = len(data)
        keep = 0
        i = n - 1
        while True:
            keep += 1
            b = data[i]
            if b & 0xC0 == 0x80:  # continuation byte
                if keep >= 4 or i == 0:
                    keep = 0
                    break
                i -= 1
                continue
            if b & 0xE0 == 0xC0:
                need = 2
            elif b & 0xF0 == 0xE0:
                need = 3
            elif b & 0xF8 == 0xF0:
                need = 4
            else:
                keep = 0
                break
            if keep >= need:
                keep = 0
            else:
                self._missing = need - keep
            break
        if keep:
            self._buf = data[n - keep:]
            data = data[:n - keep]
        return prefix + data.decode('utf-8', 'replace')

    def _flush(self) -> str:
        if not self._buf:
            return ''
        buf = self._buf
        self._buf = b''
        self._missing = 0
        return buf.decode('utf-8', 'replace')


class _Utf16Decoder(Decoder):
    __slots__ = ('_buf', '_missing')

    def __init__(self, encoding: Any = 'utf16le') -> None:
        self.encoding = 'utf16le'
        self._buf = b''
        self._missing = 0

    def write(self, data: Chunk) -> str:
        if type(data) is not bytes:
            if isinstance(data, str):
                return data
            data = _as_bytes(data)
        head = b''
        missing = self._missing
        if missing:
            take = data[:missing]
            data = data[missing:]
            missing -= len(take)
            if missing:
                self._buf += take
                self._missing = missing
                return ''
            head = self._buf + take
            self._buf = b''
            self._missing = 0
        n = len(data)
        if n:
            if n & 1:
                keep = 1
            elif data[-1] & 0xFC == 0xD8:  # ends with a high surrogate
                keep = 2
            else:
                keep = 0
            if keep:
                self._buf = data[n - keep:]
                self._missing = keep
                data = data[:n - keep]
            if head:
                data = head + data
        else:
            data = head
        return data.decode('utf-16-le', 'surrogatepass')

    def _flush(self) -> str:
        buf = self._buf
        if not buf:
            return ''
        self._buf = b''
        self._missing = 0
        if len(buf) & 1:
            buf = buf[:-1]
        return buf.decode('utf-16-le', 'surrogatepass')


class _Base64Decoder(Decoder):
    __slots__ = ('_buf', '_url')

    def __init__(self, encoding: Any = 'base64') -> None:
        self.encoding = normalize_encoding(encoding)
        self._url = self.encoding == 'base64url'
        self._buf = b''

    def _b64(self, data: bytes) -> str:
        out = binascii.b2a_base64(data, newline=False)
        if self._url:
            out = out.translate(_B64_STD_TO_URL).rstrip(b'=')
        return out.decode('ascii')

    def write(self, data: Chunk) -> str:
        if type(data) is not bytes:
            if isinstance(data, str):
                return data
            data = _as_bytes(data)
        if self._buf:
            data = self._buf + data
        cut = len(data) - len(data) % 3
        self._buf = data[cut:]
        if not cut:
            return ''
        return self._b64(data[:cut])

    def _flush(self) -> str:
        buf = self._buf
        if not buf:
            return ''
        self._buf = b''
        return self._b64(buf)


class _Latin1Decoder(Decoder):
    __slots__ = ()

    def __init__(self, encoding: Any = 'latin1') -> None:
        self.encoding = 'latin1'

    def write(self, data: Chunk) -> str:
        if type(data) is not bytes:
            if isinstance(data, str):
                return data
            data = _as_bytes(data)
        return data.decode('latin-1')


class _AsciiDecoder(Decoder):
    """Node's ascii decoding clears the high bit of every byte."""

    __slots__ = ()

    def __init__(self, encoding: Any = 'ascii') -> None:
        self.encoding = 'ascii'

    def write(self, data: Chunk) -> str:
        if type(data) is not bytes:
            if isinstance(data, str):
                return data
            data = _as_bytes(data)
        if data.isascii():
            return data.decode('ascii')
        return data.translate(_CLEAR_HIGH_BIT).decode('ascii')


class _HexDecoder(Decoder):
    __slots__ = ()

    def __init__(self, encoding: Any = 'hex') -> None:
        self.encoding = 'hex'

    def write(self, data: Chunk) -> str:
        if type(data) is not bytes:
            if isinstance(data, str):
                return data
            data = _as_bytes(data)
        return data.hex()


_DECODERS = {
    'utf8': _Utf8Decoder,
    'utf16le': _Utf16Decoder,
    'base64': _Base64Decoder,
    'base64url': _Base64Decoder,
    'ascii': _AsciiDecoder,
    'latin1': _Latin1Decoder,
    'hex': _HexDecoder,
}


def decode(data: BytesLike, enc: Any = 'utf8') -> str:
    """``buf.toString(enc)`` for a complete buffer."""
    if enc == 'utf8' or enc == 'utf-8':
        name = 'utf8'
    else:
        name = normalize_encoding(enc)
    if type(data) is not bytes:
        data = _as_bytes(data)
    if name == 'utf8':
        return data.decode('utf-8', 'replace')
    if name == 'utf16le':
        if len(data) & 1:
            data = data[:-1]
        return data.decode('utf-16-le', 'surrogatepass')
    return _DECODERS[name](name).end(data)
