"""Node's timers: set_timeout / set_interval / set_immediate and their clear_*,
ordering, ref/unref/has_ref/refresh, args, callback validation and delay coercion.

Every expectation was checked with node 20 (the JS is quoted where it helps). No test
asserts a duration: only orders, counts, and whether run() returns."""
from __future__ import annotations

import time

import pytest

import pyuv_net as net

from conftest import errcode, run_loop

pytestmark = pytest.mark.timeout(10)


def test_set_timeout_fires_once_with_args():
    log = []
    t = net.set_timeout(lambda *a: log.append(a), 1, "x", 2, None)
    assert isinstance(t, net.Timer)
    run_loop()
    assert log == [("x", 2, None)]


def test_set_timeout_default_delay():
    log = []
    net.set_timeout(lambda: log.append("fired"))
    run_loop()
    assert log == ["fired"]


def test_timeouts_fire_in_order_of_delay():
    log = []
    for ms in (60, 5, 30, 15):
        net.set_timeout(log.append, ms, ms)
    run_loop()
    assert log == [5, 15, 30, 60]


def test_equal_delays_fire_in_creation_order():
    log = []
    for i in range(10):
        net.set_timeout(log.append, 3, i)
    run_loop()
    assert log == list(range(10))


def test_set_interval_repeats_until_cleared():
    log = []

    def tick(tag):
        log.append(tag)
        if len(log) == 4:
            net.clear_interval(interval)

    interval = net.set_interval(tick, 1, "tick")
    run_loop()
    assert log == ["tick"] * 4


def test_interval_cleared_with_clear_timeout_and_timeout_with_clear_interval():
    # node: clearTimeout and clearInterval are interchangeable
    log = []

    def tick():
        log.append("i")
        net.clear_timeout(interval)

    interval = net.set_interval(tick, 1)
    t = net.set_timeout(log.append, 1, "t")
    net.clear_interval(t)
    run_loop()
    assert log == ["i"]


def test_clear_timeout_before_it_fires():
    log = []
    t = net.set_timeout(log.append, 20, "never")
    net.set_timeout(lambda: net.clear_timeout(t), 1)
    run_loop()
    assert log == []


def test_clear_timeout_inside_callback_of_same_iteration():
    log = []
    second = []

    def first():
        log.append("first")
        net.clear_timeout(second[0])

    net.set_timeout(first, 5)
    second.append(net.set_timeout(log.append, 5, "second"))
    run_loop()
    assert log == ["first"]


@pytest.mark.parametrize("value", [None, 42, "x", object()])
def test_clear_functions_ignore_non_timers(value):
    # node: clearTimeout(null) / clearTimeout('x') / clearInterval(42) do nothing
    assert net.clear_timeout(value) is None
    assert net.clear_interval(value) is None
    assert net.clear_immediate(value) is None


def test_clear_timeout_does_not_clear_an_immediate():
    # node: clearTimeout(setImmediate(f)) leaves the immediate alone
    log = []
    imm = net.set_immediate(log.append, "immediate")
    net.clear_timeout(imm)
    run_loop()
    assert log == ["immediate"]


def test_clear_twice_is_harmless():
    t = net.set_timeout(lambda: None, 10)
    net.clear_timeout(t)
    net.clear_timeout(t)
    i = net.set_immediate(lambda: None)
    net.clear_immediate(i)
    net.clear_immediate(i)
    run_loop()


def test_timer_close_is_clear():
    log = []
    t = net.set_timeout(log.append, 1, "x")
    assert t.close() is t
    run_loop()
    assert log == []


# -- immediates ------------------------------------------------------------------

def test_immediates_run_fifo_with_args():
    log = []
    for i in range(5):
        net.set_immediate(lambda a, b: log.append((a, b)), i, "arg")
    run_loop()
    assert log == [(i, "arg") for i in range(5)]


def test_immediate_scheduled_in_an_immediate_runs_next_iteration():
    # node: setImmediate(A: setImmediate(C)); setImmediate(B) -> A, B, C
    log = []

    def a():
        log.append("A")
        net.set_immediate(log.append, "C")

    net.set_immediate(a)
    net.set_immediate(log.append, "B")
    run_loop()
    assert log == ["A", "B", "C"]


def test_immediate_scheduled_in_an_immediate_runs_after_a_due_timer():
    # The nested immediate waits a whole loop iteration, so a timer that came due in
    # the meantime runs first (node: timers phase precedes the next check phase).
    log = []

    def a():
        log.append("A")
        net.set_immediate(log.append, "nested")
        # busy-wait until the 1 ms timer is due, so the order is fixed
        end = time.monotonic() + 0.02
        while time.monotonic() < end:
            pass

    net.set_timeout(log.append, 1, "timer")
    net.set_immediate(a)
    run_loop()
    assert log.index("A") < log.index("nested")
    assert log.index("timer") < log.index("nested")


def test_clear_immediate_prevents_it():
    log = []
    second = net.set_immediate(log.append, "cleared")

    def first():
        log.append("first")

    imm = net.set_immediate(first)
    net.clear_immediate(second)
    run_loop()
    assert log == ["first"]
    assert isinstance(imm, net.Immediate)


def test_clear_immediate_from_an_earlier_immediate():
    log = []
    later = []
    net.set_immediate(lambda: (log.append("first"), net.clear_immediate(later[0])))
    later.append(net.set_immediate(log.append, "second"))
    net.set_immediate(log.append, "third")
    run_loop()
    assert log == ["first", "third"]


def test_unrefd_immediate_alone_does_not_keep_run_going():
    # node -e "setImmediate(()=>console.log('ran')).unref()" prints nothing
    log = []
    imm = net.set_immediate(log.append, "ran")
    assert imm.unref() is imm
    assert imm.has_ref() is False
    run_loop()
    assert log == []
    net.clear_immediate(imm)


def test_immediate_ref_again():
    log = []
    imm = net.set_immediate(log.append, "ran").unref()
    assert imm.ref() is imm
    assert imm.has_ref() is True
    run_loop()
    assert log == ["ran"]


# -- ref / unref / has_ref / refresh --------------------------------------------

def test_ref_unref_return_the_timer_and_has_ref():
    t = net.set_timeout(lambda: None, 1)
    assert t.has_ref() is True
    assert t.unref() is t
    assert t.has_ref() is False
    assert t.hasRef() is False
    assert t.ref() is t
    assert t.has_ref() is True
    assert t.refresh() is t
    run_loop()


def test_unrefd_timer_does_not_keep_run_going():
    log = []
    t = net.set_timeout(log.append, 3000, "never").unref()
    run_loop(timeout=2.5)
    assert log == []
    net.clear_timeout(t)
    run_loop()  # lets the closed handle finish closing


def test_unrefd_timer_fires_while_something_else_keeps_the_loop():
    log = []
    net.set_timeout(log.append, 1, "unrefd").unref()
    net.set_timeout(log.append, 50, "refd")
    run_loop()
    assert log == ["unrefd", "refd"]


def test_unrefd_interval_fires_while_loop_is_kept_alive():
    log = []
    interval = net.set_interval(lambda: log.append("tick"), 1).unref()

    def enough():
        if len(log) >= 3:
            net.clear_interval(interval)
            net.clear_interval(keeper)

    keeper = net.set_interval(enough, 5)
    run_loop()
    assert len(log) >= 3


def test_ref_after_unref_keeps_the_loop_alive_again():
    log = []
    t = net.set_timeout(log.append, 10, "fired").unref()
    t.ref()
    run_loop()
    assert log == ["fired"]


def test_refresh_restarts_the_countdown():
    # a 40 ms timer refreshed every 10 ms for a while fires only after the refreshes
    log = []
    t = net.set_timeout(log.append, 40, "timeout")
    count = []

    def refresher():
        count.append(1)
        log.append("refresh")
        t.refresh()
        if len(count) == 6:
            net.clear_interval(r)

    r = net.set_interval(refresher, 10)
    run_loop()
    assert log == ["refresh"] * 6 + ["timeout"]


def test_refresh_after_fired_fires_again():
    # node: a setTimeout refreshed after it fired runs again
    log = []

    def fired():
        log.append("fired")
        if len(log) == 1:
            net.set_timeout(lambda: t.refresh(), 5)

    t = net.set_timeout(fired, 1)
    run_loop()
    assert log == ["fired", "fired"]


def test_refresh_keeps_unref_state():
    # node: t.unref(); t.refresh(); t.hasRef() -> false and the process exits
    log = []
    t = net.set_timeout(log.append, 3000, "never").unref()
    t.refresh()
    assert t.has_ref() is False
    run_loop(timeout=2.5)
    assert log == []
    t.close()
    run_loop()


def test_refresh_of_cleared_timer_does_not_revive_it():
    log = []
    t = net.set_timeout(log.append, 1, "x")
    net.clear_timeout(t)
    t.refresh()
    run_loop()
    assert log == []


# -- validation and coercion ----------------------------------------------------

@pytest.mark.parametrize("fn", ["set_timeout", "set_interval", "set_immediate"])
@pytest.mark.parametrize("callback", [None, "notfn", 1, b"x"])
def test_non_callable_callback_is_type_error(fn, callback):
    # node: setTimeout('notfn', 1) -> TypeError ERR_INVALID_ARG_TYPE
    with pytest.raises(TypeError) as info:
        getattr(net, fn)(callback, 1) if fn != "set_immediate" else net.set_immediate(callback)
    assert errcode(info.value) == "ERR_INVALID_ARG_TYPE"


@pytest.mark.parametrize("delay", [0, -5, float("nan"), 2 ** 40, float("inf"), -float("inf"), None, 0.5])
def test_out_of_range_delays_become_1ms(delay):
    # node: setTimeout(f, d) for d in 0, -5, NaN, 2**40, Infinity, undefined, null
    # runs at 1 ms, i.e. before any longer timer
    log = []
    net.set_timeout(log.append, 500, "500ms")
    net.set_timeout(log.append, delay, "coerced")
    run_loop()
    assert log == ["coerced", "500ms"]


def test_interval_with_zero_delay_repeats():
    log = []

    def tick():
        log.append(1)
        if len(log) == 5:
            net.clear_interval(interval)

    interval = net.set_interval(tick, 0)
    run_loop()
    assert len(log) == 5


def test_fractional_delay_is_accepted():
    log = []
    net.set_timeout(log.append, 2.7, "frac")
    run_loop()
    assert log == ["frac"]


# -- names ------------------------------------------------------------------------

def test_camel_case_aliases_are_the_same_objects():
    assert net.setTimeout is net.set_timeout
    assert net.clearTimeout is net.clear_timeout
    assert net.setInterval is net.set_interval
    assert net.clearInterval is net.clear_interval
    assert net.setImmediate is net.set_immediate
    assert net.clearImmediate is net.clear_immediate
    assert net.Timer.hasRef is net.Timer.has_ref


def test_timers_on_an_explicit_loop():
    own = net.Loop()
    try:
        log = []
        net.set_timeout(log.append, 1, "t", loop=own)
        net.set_immediate(log.append, "i", loop=own)
        iv = []

        def tick():
            log.append("iv")
            net.clear_interval(iv[0])

        iv.append(net.set_interval(tick, 1, loop=own))
        run_loop(loop=own)
        assert sorted(log) == ["i", "iv", "t"]
    finally:
        own.close()
