'use strict';
// allowHalfOpen true on the server: the server socket gets 'end', stays
// writable, replies and ends; the client receives the reply after its own
// 'finish'.
const { net, setup, rec, guard } = require('./_common');
setup('server', 'client');
guard();

const server = net.createServer({ allowHalfOpen: true }, (s) => {
  rec('server', 'connection');
  let got = '';
  s.on('data', (d) => { got += d.toString(); });
  s.on('end', () => {
    rec('server', 'end', got, s.readyState, s.readable, s.writable);
    setTimeout(() => {
      rec('server', 'reply write', s.write('pong'));
      s.end(() => rec('server', 'end cb'));
      rec('server', 'after end', s.readyState);
    }, 50);
  });
  s.on('finish', () => rec('server', 'finish', s.readyState));
  s.on('close', (had) => {
    rec('server', 'close', had, s.readyState);
    server.close(() => rec('server', 'closed'));
  });
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  c.on('connect', () => {
    rec('client', 'connect');
    c.write('pi');
    c.end('ng');
  });
  c.on('data', (d) => rec('client', 'data', d.toString()));
  c.on('finish', () => rec('client', 'finish', c.readyState));
  c.on('end', () => rec('client', 'end', c.readyState));
  c.on('close', (had) => rec('client', 'close', had, c.readyState));
});
