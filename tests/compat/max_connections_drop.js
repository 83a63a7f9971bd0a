'use strict';
// maxConnections = 1: while one connection is open a second one is
// accepted by the kernel (the client sees 'connect') and then closed by the
// server, which emits 'drop' with the addresses of the dropped connection;
// once the first connection is gone, a third one is accepted.
const { net, setup, rec, guard } = require('./_common');
setup('server', 'c1', 'c2', 'c3');
guard();

let port;
let dropInfo = null;
let conns = 0;
let c1;
const server = net.createServer((s) => {
  conns += 1;
  const id = conns;
  server.getConnections((err, n) => rec('server', 'connection', id, n));
  s.on('end', () => rec('server', 'conn end', id));
  s.on('close', () => {
    rec('server', 'conn close', id);
    if (id === 1) startC3();
    else server.close(() => rec('server', 'closed'));
  });
  if (id === 1) startC2();
});
server.maxConnections = 1;
rec('server', 'maxConnections', server.maxConnections);
server.on('drop', (info) => {
  dropInfo = info;
  rec('server', 'drop', Object.keys(info).sort().join(','), info.localAddress,
      info.localPort === port, info.localFamily, info.remoteAddress,
      info.remoteFamily);
  server.getConnections((err, n) => rec('server', 'connections at drop', n));
});

function startC2() {
  const c2 = net.connect(port, '127.0.0.1');
  let local;
  c2.on('connect', () => {
    local = c2.localPort;
    rec('c2', 'connect');
  });
  c2.on('end', () => rec('c2', 'end'));
  c2.on('error', (e) => rec('c2', 'error', e.code));
  c2.on('close', (had) => {
    rec('c2', 'close', had, dropInfo !== null && dropInfo.remotePort === local);
    c1.end();
  });
}

function startC3() {
  const c3 = net.connect(port, '127.0.0.1');
  c3.on('connect', () => {
    rec('c3', 'connect');
    c3.end();
  });
  c3.on('end', () => rec('c3', 'end'));
  c3.on('close', (had) => rec('c3', 'close', had));
}

server.listen(0, '127.0.0.1', () => {
  port = server.address().port;
  c1 = net.connect(port, '127.0.0.1');
  c1.on('connect', () => rec('c1', 'connect'));
  c1.on('end', () => rec('c1', 'end'));
  c1.on('close', (had) => rec('c1', 'close', had));
});
