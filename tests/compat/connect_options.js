'use strict';
// connect() options: timeout (the socket emits 'timeout' when idle),
// localAddress/localPort (the server sees that remote port), noDelay and
// keepAlive accepted; string port; setNoDelay/setKeepAlive return the socket
// (also before connecting).
const { net, setup, rec, guard } = require('./_common');
setup('server', 'timeout', 'local', 'strport');
guard();

let localPort;
const server = net.createServer((s) => {
  s.resume();
  s.on('error', () => {});
});

function startTimeoutClient(port, next) {
  const c = net.connect({ port, host: '127.0.0.1', timeout: 100, noDelay: true,
                          keepAlive: true });
  rec('timeout', 'timeout prop', c.timeout);
  rec('timeout', 'setters return socket', c.setNoDelay(true) === c,
      c.setKeepAlive(true, 1000) === c);
  c.on('connect', () => rec('timeout', 'connect'));
  c.on('timeout', () => {
    rec('timeout', 'timeout');
    c.destroy();
  });
  c.on('close', (had) => {
    rec('timeout', 'close', had);
    next();
  });
}

function startLocalClient(port, next) {
  const probe = net.createServer();
  probe.listen(0, '127.0.0.1', () => {
    localPort = probe.address().port;
    probe.close(() => {
      server.once('connection', (s) => {
        rec('server', 'connection from chosen port', s.remotePort === localPort);
      });
      const c = net.connect({ port, host: '127.0.0.1', localAddress: '127.0.0.1',
                              localPort });
      c.on('connect', () => {
        rec('local', 'connect', c.localAddress, c.localPort === localPort);
        c.end();
      });
      c.on('close', (had) => {
        rec('local', 'close', had);
        next();
      });
    });
  });
}

function startStrPortClient(port, next) {
  const c = net.connect(String(port), '127.0.0.1');
  c.on('connect', () => {
    rec('strport', 'connect', c.remotePort === port);
    c.end();
  });
  c.on('close', (had) => {
    rec('strport', 'close', had);
    next();
  });
}

server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  startTimeoutClient(port, () => startLocalClient(port, () => startStrPortClient(port, () => {
    server.close();
  })));
});
