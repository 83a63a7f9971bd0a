'use strict';
// An unref'd listening server does not keep the process alive, but its
// accepted connections (ref'd) do: the process runs until the last
// connection has closed, then exits with the server still listening.
// unref()/ref() return their object.
const { net, setup, rec, guard } = require('./_common');
setup('server', 'client', 'main');
guard();

const server = net.createServer((s) => {
  rec('server', 'connection');
  s.on('end', () => rec('server', 'conn end'));
  s.on('close', (had) => rec('server', 'conn close', had, server.listening));
});
rec('main', 'unref returns server', server.unref() === server);
server.listen(0, '127.0.0.1', () => {
  rec('server', 'listening');
  const c = net.connect(server.address().port, '127.0.0.1');
  c.on('connect', () => {
    rec('client', 'connect');
    const t = setTimeout(() => {
      rec('client', 'ending');
      c.end();
    }, 200);
    rec('main', 'timer unref returns timer', t.unref() === t, t.hasRef());
    rec('main', 'timer ref returns timer', t.ref() === t, t.hasRef());
    // a socket ref/unref pair returns the socket
    rec('main', 'socket unref/ref', c.unref() === c, c.ref() === c);
  });
  c.on('end', () => rec('client', 'end'));
  c.on('close', (had) => rec('client', 'close', had));
});
// 'beforeExit' is when the loop has run dry: Python's net.run() returning.
process.once('beforeExit', () => rec('main', 'loop done', server.listening));
