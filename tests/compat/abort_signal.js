'use strict';
// signal= for listen and connect: aborting closes the server ('close', no
// 'listening' when aborted first) and destroys a connecting socket with an
// AbortError (code ABORT_ERR). (A connect whose signal aborted before it began
// connects anyway on node 20, a bug; tests/test_abort.py covers our behaviour.)
const { net, setup, rec, ecode, guard } = require('./_common');
setup('pre', 'server', 'client');
guard();

const pre = new AbortController();
pre.abort();
const s0 = net.createServer();
s0.on('listening', () => rec('pre', 'listening'));
s0.on('close', () => rec('pre', 'close', s0.listening));
s0.listen({ port: 0, host: '127.0.0.1', signal: pre.signal });

const ac = new AbortController();
const server = net.createServer();
server.on('close', () => rec('server', 'close', server.listening));
server.listen({ port: 0, host: '127.0.0.1', signal: ac.signal }, () => {
  rec('server', 'listening');
  const cc = new AbortController();
  const c = net.connect({ port: server.address().port, host: '127.0.0.1', signal: cc.signal });
  c.on('connect', () => rec('client', 'connect'));
  c.on('error', (e) => rec('client', 'error', ecode(e), e.name, e.cause === 'why'));
  c.on('close', (had) => {
    rec('client', 'close', had, c.destroyed);
    ac.abort();
  });
  cc.abort('why');
  rec('client', 'aborted', cc.signal.aborted, c.destroyed);

});
