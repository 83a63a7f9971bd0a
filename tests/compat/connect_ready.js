'use strict';
// Client connect to an IP: no 'lookup'; connect listener, 'connect', 'ready'
// order; socket state before and after connecting, on both ends.
const { net, setup, rec, guard } = require('./_common');
setup('server', 'client');
guard();

const server = net.createServer((s) => {
  rec('server', 'connection', s.connecting, s.pending, s.readyState,
      s.remoteFamily, s.remoteAddress, s.localAddress,
      s.localPort === server.address().port, s.remotePort > 0);
  s.on('data', (d) => rec('server', 'data', d.toString()));
  s.on('end', () => rec('server', 'end'));
  s.on('finish', () => rec('server', 'finish'));
  s.on('close', (had) => {
    rec('server', 'close', had);
    server.close(() => rec('server', 'closed', server.listening));
  });
});
server.on('listening', () => rec('server', 'listening event', server.listening));
server.listen(0, '127.0.0.1', () => {
  const a = server.address();
  rec('server', 'listen cb', a.family, a.address, typeof a.port === 'number' && a.port > 0);
  const port = a.port;
  const c = net.connect(port, '127.0.0.1', () => rec('client', 'connect listener'));
  rec('client', 'before', c.connecting, c.pending, c.readyState, c.destroyed,
      c.remoteAddress == null, c.bytesRead, c.bytesWritten);
  c.on('lookup', () => rec('client', 'lookup'));
  c.on('connect', () => {
    const la = c.address();
    rec('client', 'connect', c.connecting, c.pending, c.readyState,
        c.remoteFamily, c.remoteAddress, c.remotePort === port,
        c.localAddress, c.localFamily, la.family, la.address, la.port === c.localPort);
  });
  c.on('ready', () => {
    rec('client', 'ready');
    c.end('hi');
  });
  c.on('data', (d) => rec('client', 'data', d.toString()));
  c.on('end', () => rec('client', 'end'));
  c.on('finish', () => rec('client', 'finish'));
  c.on('close', (had) => rec('client', 'close', had, c.readyState, c.destroyed,
                            c.bytesRead, c.bytesWritten));
});
