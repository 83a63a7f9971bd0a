'use strict';
// setEncoding(): the server sends "\u20ac" (3 bytes in UTF-8) split across
// two writes 100 ms apart, then ok!, then a lone lead byte before ending.
// utf8 gets whole characters only (no empty 'data') and U+FFFD at the end;
// hex is byte-exact per chunk; base64 keeps partial 3-byte groups until the
// next chunk or the end.
const { net, setup, rec, guard } = require('./_common');
setup('utf8', 'hex', 'base64');
guard();

const server = net.createServer((s) => {
  s.write(Buffer.from([0xe2, 0x82]));
  setTimeout(() => {
    s.write(Buffer.from([0xac, 0x6f, 0x6b, 0x21, 0xe2]));
    setTimeout(() => s.end(), 100);
  }, 100);
});

function cps(str) {
  return [...str].map((ch) => ch.codePointAt(0).toString(16)).join(',');
}

let open = 3;
server.listen(0, '127.0.0.1', () => {
  for (const enc of ['utf8', 'hex', 'base64']) {
    const c = net.connect(server.address().port, '127.0.0.1');
    const r = c.setEncoding(enc);
    rec(enc, 'setEncoding returns socket', r === c);
    c.on('data', (d) => {
      rec(enc, 'data', typeof d, d.length, enc === 'utf8' ? cps(d) : d);
    });
    c.on('end', () => rec(enc, 'end'));
    c.on('close', (had) => {
      rec(enc, 'close', had);
      if (--open === 0) server.close();
    });
  }
});
