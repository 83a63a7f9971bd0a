'use strict';
// Connecting by name: 'lookup' (err null, address, family 4, host) comes
// before 'connect'. A custom lookup function is called with the host and
// options.family, and its answer (given asynchronously) is used; a custom lookup that fails gives
// 'lookup' with the error, then 'error' (same object) and 'close' true.
const { net, setup, rec, ecode, guard } = require('./_common');
setup('localhost', 'custom', 'failing');
guard();

const server = net.createServer((s) => {
  s.resume();
  s.on('error', () => {});
});

function watch(name, c, next) {
  c.on('lookup', (err, address, family, host) => {
    if (err) rec(name, 'lookup', ecode(err), host);
    else rec(name, 'lookup', ecode(err), address, family, typeof family, host);
  });
  c.on('connect', () => rec(name, 'connect', c.remoteAddress, c.remoteFamily));
  c.on('ready', () => {
    rec(name, 'ready');
    c.end();
  });
  c.on('error', (e) => rec(name, 'error', ecode(e), e.message));
  c.on('close', (had) => {
    rec(name, 'close', had);
    next();
  });
}

server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const a = net.connect({ port, host: 'localhost', family: 4 });
  watch('localhost', a, () => {
    const b = net.connect({
      port,
      host: 'example.invalid',
      family: 4,
      lookup(host, opts, cb) {
        rec('custom', 'lookup fn', host, opts.family);
        setImmediate(cb, null, '127.0.0.1', 4);
      },
    });
    watch('custom', b, () => {
      const c = net.connect({
        port,
        host: 'nowhere.invalid',
        family: 4,
        lookup(host, opts, cb) {
          rec('failing', 'lookup fn', host, opts.family);
          const e = new Error('no such host');
          e.code = 'EFAKE';
          setImmediate(cb, e);
        },
      });
      watch('failing', c, () => server.close());
    });
  });
});
