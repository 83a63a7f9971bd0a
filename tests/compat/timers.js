'use strict';
// Timers, in phases that never share a moment: equal delays fire in
// creation order with their extra arguments; clearTimeout cancels;
// setInterval repeats until cleared; refresh() restarts the countdown; from
// inside a timer callback a setImmediate runs before a setTimeout(0); an
// unref'd timer does not keep the loop alive; ref()/unref()/hasRef().
const { net, setup, rec } = require('./_common');
setup('t');

const u = setTimeout(() => rec('t', 'unref fired?!'), 10000);
rec('t', 'unref', u.unref() === u, u.hasRef());

function phase4() {
  setTimeout(() => rec('t', 'timeout 0 from timer'), 0);
  setImmediate((v) => rec('t', 'immediate from timer', v), 'arg');
}

function phase3() {
  const r = setTimeout(() => {
    rec('t', 'refreshed timer');
    phase4();
  }, 200);
  setTimeout(() => {
    rec('t', 'refreshing');
    rec('t', 'refresh returns timer', r.refresh() === r);
  }, 100);
  setTimeout(() => rec('t', 'marker 250'), 250);
}

function phase2() {
  let n = 0;
  const iv = setInterval((v) => {
    n += 1;
    rec('t', 'interval', n, v);
    if (n === 3) {
      clearInterval(iv);
      rec('t', 'interval cleared');
      phase3();
    }
  }, 50, 'iv');
}

setTimeout((a, b) => rec('t', 'A', a, b), 20, 'x', 'y');
setTimeout(() => {
  rec('t', 'B');
  phase2();
}, 20);
const c = setTimeout(() => rec('t', 'C cancelled?!'), 20);
clearTimeout(c);
