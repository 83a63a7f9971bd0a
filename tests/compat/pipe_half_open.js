'use strict';
// Local socket, allowHalfOpen true on the server: the server socket gets 'end',
// stays writable (writeOnly), replies and ends; the client (not half-open)
// receives the reply after its own 'finish'. A second client with allowHalfOpen
// gets the server's end first and keeps writing. No address fields on either end.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { net, setup, rec, guard } = require('./_common');
setup('server', 'client', 'server2', 'client2');
guard();

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compat-'));
const sockPath = path.join(dir, 'h.sock');
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

let n = 0;
const server = net.createServer({ allowHalfOpen: true }, (s) => {
  n += 1;
  if (n === 1) first(s); else second(s);
});

function first(s) {
  rec('server', 'connection', s.remoteAddress === undefined, s.readyState);
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
    startSecond();
  });
}

function second(s) {
  rec('server2', 'connection');
  let got = '';
  s.on('data', (d) => { got += d.toString(); });
  s.on('end', () => rec('server2', 'end', got));
  s.end('server first');
  s.on('finish', () => rec('server2', 'finish'));
  s.on('close', (had) => {
    rec('server2', 'close', had);
    server.close(() => rec('server2', 'server closed'));
  });
}

server.listen(sockPath, () => {
  const c = net.connect(sockPath);
  c.on('connect', () => {
    rec('client', 'connect', c.readyState);
    c.write('pi');
    c.end('ng');
  });
  c.on('data', (d) => rec('client', 'data', d.toString()));
  c.on('finish', () => rec('client', 'finish', c.readyState));
  c.on('end', () => rec('client', 'end', c.readyState));
  c.on('close', (had) => rec('client', 'close', had, c.readyState));
});

function startSecond() {
  const c = net.connect({ path: sockPath, allowHalfOpen: true });
  c.on('data', (d) => rec('client2', 'data', d.toString()));
  c.on('end', () => {
    rec('client2', 'end', c.readyState, c.writable);
    c.write('still ');
    c.end('writing');
  });
  c.on('finish', () => rec('client2', 'finish', c.readyState));
  c.on('close', (had) => rec('client2', 'close', had));
}
