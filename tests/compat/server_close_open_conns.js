'use strict';
// server.close() while a connection is open: listening turns false at once,
// new connections are refused, but 'close' and the close callback only come
// after the open connection has ended (its 'end' precedes them: the server
// actor records 'conn end' too).
const { net, setup, rec, ecode, guard } = require('./_common');
setup('server', 'sock', 'client', 'late');
guard();

let port;
const server = net.createServer((s) => {
  rec('server', 'connection');
  server.on('close', () => {
    rec('server', 'close event', server.listening);
    server.getConnections((err, n) => rec('server', 'connections after close', ecode(err), n));
  });
  const r = server.close((err) => rec('server', 'close cb', ecode(err)));
  rec('server', 'close() returns server', r === server);
  rec('server', 'after close()', server.listening, server.address() === null);
  server.getConnections((err, n) => {
    rec('server', 'connections', ecode(err), n);
    // a new client is refused now
    const late = net.connect(port, '127.0.0.1');
    late.on('connect', () => rec('late', 'connect'));
    late.on('error', (e) => rec('late', 'error', ecode(e)));
    late.on('close', (had) => {
      rec('late', 'close', had);
      s.end('bye');
    });
  });
  s.on('end', () => rec('server', 'conn end'));
  s.on('data', (d) => rec('sock', 'data', d.toString()));
  s.on('end', () => rec('sock', 'end'));
  s.on('finish', () => rec('sock', 'finish'));
  s.on('close', (had) => rec('sock', 'close', had));
});
server.listen(0, '127.0.0.1', () => {
  port = server.address().port;
  const c = net.connect(port, '127.0.0.1');
  c.on('connect', () => rec('client', 'connect'));
  c.on('data', (d) => rec('client', 'data', d.toString()));
  c.on('end', () => rec('client', 'end'));
  c.on('close', (had) => rec('client', 'close', had));
});
