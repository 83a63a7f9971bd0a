'use strict';
// server.close() on a local-socket server with a connection open: listening
// turns false at once, the socket file is removed (a new
// client gets ENOENT), the open connection keeps working, and 'close' plus the
// close callback come only after it ended. Closing again calls back with
// ERR_SERVER_NOT_RUNNING. The server can then listen on the same path again.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { net, setup, rec, ecode, guard } = require('./_common');
setup('server', 'sock', 'client', 'late', 'again');
guard();

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compat-'));
const sockPath = path.join(dir, 'c.sock');
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

let phase = 1;
const server = net.createServer((s) => {
  if (phase === 2) {
    rec('again', 'connection');
    s.end('second life');
    s.on('close', () => server.close(() => rec('again', 'closed', fs.existsSync(sockPath))));
    return;
  }
  rec('server', 'connection');
  server.once('close', () => {
    rec('server', 'close event', server.listening);
    server.getConnections((err, n) => rec('server', 'connections after close', ecode(err), n));
  });
  const r = server.close((err) => {
    rec('server', 'close cb', ecode(err));
    server.close((err2) => {
      rec('server', 'second close cb', ecode(err2));
      relisten();
    });
  });
  rec('server', 'close() returns server', r === server);
  rec('server', 'after close()', server.listening);
  setImmediate(() => {
    rec('server', 'file exists', fs.existsSync(sockPath));
    server.getConnections((err, n) => {
      rec('server', 'connections', ecode(err), n);
      const late = net.connect(sockPath);
      late.on('connect', () => rec('late', 'connect'));
      late.on('error', (e) => rec('late', 'error', ecode(e)));
      late.on('close', (had) => {
        rec('late', 'close', had);
        s.end('bye');
      });
    });
  });
  s.on('data', (d) => rec('sock', 'data', d.toString()));
  s.on('end', () => rec('sock', 'end'));
  s.on('finish', () => rec('sock', 'finish'));
  s.on('close', (had) => rec('sock', 'close', had));
});
server.listen(sockPath, () => {
  rec('server', 'listening', server.address() === sockPath);
  const c = net.connect(sockPath);
  c.on('connect', () => {
    rec('client', 'connect');
    c.write('hi');
  });
  c.on('data', (d) => rec('client', 'data', d.toString()));
  c.on('end', () => rec('client', 'end'));
  c.on('close', (had) => rec('client', 'close', had));
});

function relisten() {
  phase = 2;
  server.listen(sockPath, () => {
    rec('again', 'listening', server.listening, server.address() === sockPath);
    const c = net.connect(sockPath);
    c.on('data', (d) => rec('again', 'client data', d.toString()));
    c.on('close', (had) => rec('again', 'client close', had));
  });
}
