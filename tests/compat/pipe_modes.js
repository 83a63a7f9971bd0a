'use strict';
// readableAll / writableAll on a local-socket server: the socket file's mode
// bits under umask 077 (none -> 700, readable -> 744, writable -> 722, both ->
// 766), set by the time 'listening' fires; each server still accepts.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { net, setup, rec, guard } = require('./_common');
setup('modes');
guard();

process.umask(0o077);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compat-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

const cases = [
  ['none', {}],
  ['readable', { readableAll: true }],
  ['writable', { writableAll: true }],
  ['both', { readableAll: true, writableAll: true }],
  ['both-false', { readableAll: false, writableAll: false }],
];

function run(i) {
  if (i === cases.length) return;
  const [name, opts] = cases[i];
  const p = path.join(dir, name + '.sock');
  const s = net.createServer((c) => c.end('ok'));
  s.listen(Object.assign({ path: p }, opts), () => {
    const st = fs.statSync(p);
    rec('modes', name, (st.mode & 0o777).toString(8), st.isSocket());
    const c = net.connect(p);
    let got = '';
    c.on('data', (d) => { got += d; });
    c.on('close', () => {
      rec('modes', name, 'client got', got);
      s.close(() => run(i + 1));
    });
  });
}
run(0);
