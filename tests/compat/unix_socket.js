'use strict';
// Local (Unix domain) sockets: listen(path) / connect(path); address() is
// the path; remoteAddress is not set; EADDRINUSE when the path is taken;
// ENOENT connect for a path nobody listens on. The path is in a fresh temp
// directory and the server removes it on close.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { net, setup, rec, ecode, guard } = require('./_common');
setup('server', 'client', 'dup', 'missing');
guard();

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compat-'));
const sockPath = path.join(dir, 's.sock');
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

const server = net.createServer((s) => {
  rec('server', 'connection', s.remoteAddress === undefined || s.remoteAddress === null);
  s.setEncoding('utf8');
  s.on('data', (d) => s.write(d.toUpperCase()));
  s.on('end', () => {
    rec('server', 'end');
    s.end();
  });
  s.on('close', (had) => {
    rec('server', 'conn close', had);
    server.close(() => rec('server', 'closed', fs.existsSync(sockPath)));
  });
});
server.listen(sockPath, () => {
  rec('server', 'listening', server.address() === sockPath, fs.existsSync(sockPath));

  const dup = net.createServer();
  dup.on('error', (e) => {
    rec('dup', 'error', ecode(e));
    const miss = net.connect(path.join(dir, 'nobody.sock'));
    miss.on('connect', () => rec('missing', 'connect'));
    miss.on('error', (e2) => rec('missing', 'error', ecode(e2)));
    miss.on('close', (had) => {
      rec('missing', 'close', had);
      const c = net.connect(sockPath, () => rec('client', 'connect listener'));
      let got = '';
      c.on('connect', () => {
        rec('client', 'connect', c.remoteAddress === undefined || c.remoteAddress === null);
        c.end('hello unix');
      });
      c.on('data', (d) => { got += d; });
      c.on('end', () => rec('client', 'end', got));
      c.on('close', (had2) => rec('client', 'close', had2));
    });
  });
  dup.listen(sockPath);
});
