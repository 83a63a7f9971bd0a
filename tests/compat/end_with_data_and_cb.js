'use strict';
// end(data, callback): the callback runs right before 'finish' (after the
// data was written and the write side shut down); end() returns the socket.
// end(data, encoding, callback) decodes data first; end(callback) alone
// works too.
const { net, setup, rec, ecode, guard } = require('./_common');
setup('server', 'a', 'b', 'c');
guard();

let closed = 0;
const server = net.createServer((s) => {
  let got = '';
  s.on('data', (d) => { got += d.toString(); });
  s.on('end', () => rec('server', 'got', JSON.stringify(got)));
  s.on('close', () => {
    closed += 1;
    if (closed === 3) server.close();
  });
});

function watch(name, c) {
  c.on('finish', () => rec(name, 'finish'));
  c.on('end', () => rec(name, 'end'));
  c.on('close', (had) => rec(name, 'close', had));
}

server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const a = net.connect(port, '127.0.0.1');
  watch('a', a);
  a.on('ready', () => {
    const r = a.end('bye', (err) => rec('a', 'end cb', ecode(err)));
    rec('a', 'end returns socket', r === a);
    // server 'end' of this connection happens strictly after 'a' closes:
    // start the next client afterwards to keep the server log ordered.
  });
  a.on('close', () => {
    const b = net.connect(port, '127.0.0.1');
    watch('b', b);
    b.on('ready', () => {
      b.end('68656c6c6f', 'hex', (err) => rec('b', 'end cb', ecode(err)));
    });
    b.on('close', () => {
      const c = net.connect(port, '127.0.0.1');
      watch('c', c);
      c.on('ready', () => {
        c.end((err) => rec('c', 'end cb', ecode(err)));
      });
    });
  });
});
