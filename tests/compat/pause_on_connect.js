'use strict';
// createServer({pauseOnConnect: true}): the accepted socket does not read
// until resume(); nothing is lost meanwhile.
const { net, setup, rec, guard } = require('./_common');
setup('server', 'client');
guard();

const server = net.createServer({ pauseOnConnect: true }, (s) => {
  let got = '';
  let resumed = false;
  rec('server', 'connection', s.isPaused());
  s.on('data', (d) => {
    if (!resumed) rec('server', 'data before resume');
    got += d.toString();
  });
  rec('server', 'after on(data)', s.isPaused());
  setTimeout(() => {
    rec('server', 'resume', s.bytesRead);
    resumed = true;
    s.resume();
  }, 150);
  s.on('end', () => {
    rec('server', 'end', got, s.bytesRead);
    s.end('thanks');
  });
  s.on('close', (had) => {
    rec('server', 'close', had);
    server.close();
  });
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  c.on('connect', () => {
    c.write('abc');
    c.end('def');
  });
  c.on('data', (d) => rec('client', 'data', d.toString()));
  c.on('end', () => rec('client', 'end'));
  c.on('close', (had) => rec('client', 'close', had));
});
