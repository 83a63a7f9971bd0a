'use strict';
// end() called again while the first end is still in progress: its
// callback runs with the first one's, before 'finish'. end() after 'finish':
// the callback gets ERR_STREAM_ALREADY_FINISHED, no 'error'.
const { net, setup, rec, ecode, guard } = require('./_common');
setup('client');
guard();

const server = net.createServer((s) => {
  s.resume();
  s.on('close', () => server.close());
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  c.on('ready', () => {
    c.end('x', (err) => rec('client', 'end cb 1', ecode(err)));
    c.end((err) => rec('client', 'end cb 2', ecode(err)));
  });
  c.on('finish', () => {
    rec('client', 'finish');
    c.end((err) => rec('client', 'end cb 3', ecode(err), c.destroyed));
  });
  c.on('error', (e) => rec('client', 'error', ecode(e)));
  c.on('end', () => rec('client', 'end'));
  c.on('close', (had) => rec('client', 'close', had));
});
