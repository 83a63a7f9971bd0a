'use strict';
// EventEmitter behaviour on a Socket, with custom event names: order of on /
// prependListener / once, emit's return value, off(), listenerCount, and
// 'error' emitted with no listener throwing the error itself.
const { net, setup, rec, ecode } = require('./_common');
setup('ee');

const s = new net.Socket();
const f1 = (x) => rec('ee', 'f1', x);
const f2 = (x) => rec('ee', 'f2', x);
const f3 = (x) => rec('ee', 'f3 once', x);
const f0 = (x) => rec('ee', 'f0 prepended', x);
rec('ee', 'on returns emitter', s.on('foo', f1) === s);
s.on('foo', f2);
s.once('foo', f3);
s.prependListener('foo', f0);
rec('ee', 'count', s.listenerCount('foo'));
rec('ee', 'emit 1 returns', s.emit('foo', 1));
rec('ee', 'count', s.listenerCount('foo'));
s.off('foo', f2);
rec('ee', 'emit 2 returns', s.emit('foo', 2));
s.removeAllListeners('foo');
rec('ee', 'emit 3 returns', s.emit('foo', 3), s.listenerCount('foo'));
const boom = new Error('boom');
boom.code = 'EBOOM';
try {
  s.emit('error', boom);
  rec('ee', 'no throw');
} catch (e) {
  rec('ee', 'emit error throws', e === boom, ecode(e));
}
s.destroy();
