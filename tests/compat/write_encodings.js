'use strict';
// write() with an encoding (hex, base64, latin1, ucs2, utf8) sends the
// decoded bytes; a receiving socket with setEncoding('latin1') or ('ucs2')
// decodes them (ucs2 keeps an odd trailing byte for the next chunk).
// Bad arguments raise at the call: unknown encoding ERR_UNKNOWN_ENCODING,
// write(null) ERR_STREAM_NULL_VALUES, write(number) ERR_INVALID_ARG_TYPE.
const { net, setup, rec, ecode, guard } = require('./_common');
setup('server', 'args', 'latin1', 'ucs2');
guard();

function tryCall(label, fn) {
  try {
    const r = fn();
    rec('args', label, 'no throw', r);
  } catch (e) {
    rec('args', label, 'throws', ecode(e));
  }
}

let phase = 0;
const server = net.createServer((s) => {
  phase += 1;
  if (phase === 1) {
    let got = Buffer.alloc(0);
    s.on('data', (d) => { got = Buffer.concat([got, d]); });
    s.on('end', () => rec('server', 'got', got.toString('hex')));
  } else {
    // odd split of "hi" in UTF-16LE plus e9 for latin1: 68 00 69 | 00 e9
    s.write(Buffer.from([0x68, 0x00, 0x69]));
    setTimeout(() => s.end(Buffer.from([0x00, 0xe9])), 100);
  }
});

let closed = 0;
function done() {
  closed += 1;
  if (closed === 3) server.close();
}

server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const c = net.connect(port, '127.0.0.1');
  c.on('connect', () => {
    tryCall('setEncoding bogus', () => c.setEncoding('bogus'));
    tryCall('write bogus encoding', () => c.write('x', 'bogus'));
    tryCall('write null', () => c.write(null));
    tryCall('write number', () => c.write(123));
    c.write('68656c6c6f', 'hex');
    c.write('IQ==', 'base64');
    c.write('\u00e9', 'latin1');
    c.write('A', 'ucs2');
    c.write('\u00e9', 'utf8');
    c.end('-', 'utf-8');
  });
  c.on('close', () => {
    for (const enc of ['latin1', 'ucs2']) {
      const r = net.connect(port, '127.0.0.1');
      r.setEncoding(enc);
      r.on('data', (d) => rec(enc, 'data', d.length,
        [...d].map((ch) => ch.codePointAt(0).toString(16)).join(',')));
      r.on('end', () => rec(enc, 'end'));
      r.on('close', done);
    }
    done();
  });
});
