# EventEmitter behaviour on a Socket, with custom event names: order of on /
# prepend_listener / once, emit's return value, off(), listener_count, and
# 'error' emitted with no listener raising the error itself.
from _common import net, setup, rec, ecode

setup('ee')

s = net.Socket()


def f1(x):
    rec('ee', 'f1', x)


def f2(x):
    rec('ee', 'f2', x)


def f3(x):
    rec('ee', 'f3 once', x)


def f0(x):
    rec('ee', 'f0 prepended', x)


rec('ee', 'on returns emitter', s.on('foo', f1) is s)
s.on('foo', f2)
s.once('foo', f3)
s.prepend_listener('foo', f0)
rec('ee', 'count', s.listener_count('foo'))
rec('ee', 'emit 1 returns', s.emit('foo', 1))
rec('ee', 'count', s.listener_count('foo'))
s.off('foo', f2)
rec('ee', 'emit 2 returns', s.emit('foo', 2))
s.remove_all_listeners('foo')
rec('ee', 'emit 3 returns', s.emit('foo', 3), s.listener_count('foo'))
boom = OSError('boom')
boom.code = 'EBOOM'
try:
    s.emit('error', boom)
    rec('ee', 'no throw')
except Exception as e:
    rec('ee', 'emit error throws', e is boom, ecode(e))
s.destroy()
net.run()
