# Timers, in phases that never share a moment: equal delays fire in
# creation order with their extra arguments; clear_timeout cancels;
# set_interval repeats until cleared; refresh() restarts the countdown; from
# inside a timer callback a set_immediate runs before a set_timeout(0); an
# unref'd timer does not keep the loop alive; ref()/unref()/has_ref().
from _common import net, setup, rec

setup('t')

u = net.set_timeout(lambda: rec('t', 'unref fired?!'), 10000)
rec('t', 'unref', u.unref() is u, u.has_ref())


def phase4():
    net.set_timeout(lambda: rec('t', 'timeout 0 from timer'), 0)
    net.set_immediate(lambda v: rec('t', 'immediate from timer', v), 'arg')


def phase3():
    def fired():
        rec('t', 'refreshed timer')
        phase4()
    r = net.set_timeout(fired, 200)

    def refreshing():
        rec('t', 'refreshing')
        rec('t', 'refresh returns timer', r.refresh() is r)
    net.set_timeout(refreshing, 100)
    net.set_timeout(lambda: rec('t', 'marker 250'), 250)


def phase2():
    state = {'n': 0, 'iv': None}

    def tick(v):
        state['n'] += 1
        rec('t', 'interval', state['n'], v)
        if state['n'] == 3:
            net.clear_interval(state['iv'])
            rec('t', 'interval cleared')
            phase3()
    state['iv'] = net.set_interval(tick, 50, 'iv')


def b():
    rec('t', 'B')
    phase2()


net.set_timeout(lambda a, b: rec('t', 'A', a, b), 20, 'x', 'y')
net.set_timeout(b, 20)
c = net.set_timeout(lambda: rec('t', 'C cancelled?!'), 20)
net.clear_timeout(c)
net.run()
