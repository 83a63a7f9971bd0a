'use strict';
// Connecting to a port nobody listens on (a port that was just bound and
// released): no 'lookup' (host is an IP), no 'connect'; 'error'
// ECONNREFUSED connect with address and port, then 'close' true.
const { net, setup, rec, ecode, guard } = require('./_common');
setup('client');
guard();

const probe = net.createServer();
probe.listen(0, '127.0.0.1', () => {
  const port = probe.address().port;
  probe.close(() => {
    const c = net.connect(port, '127.0.0.1', () => rec('client', 'connect listener'));
    for (const ev of ['lookup', 'connect', 'ready', 'data', 'end', 'finish', 'timeout']) {
      c.on(ev, () => rec('client', ev));
    }
    c.on('error', (e) => {
      rec('client', 'error', ecode(e), e.address, e.port === port,
          c.destroyed, c.connecting);
    });
    c.on('close', (had) => rec('client', 'close', had, c.destroyed, c.readyState));
  });
});
