'use strict';
// Shared helpers for the Node side of the compat scenarios.
// Events are recorded per "actor" (e.g. server / client) and printed at exit,
// grouped by actor in the order the actors were declared with setup(). This
// keeps each socket's own event order while hiding cross-socket races that
// Node itself does not order deterministically.
const net = require('net');

const actors = new Map();
const trace = !!process.env.COMPAT_TRACE;

function setup(...names) {
  for (const n of names) actors.set(n, []);
}

function js(v) {
  return String(v);
}

function rec(actor, ...parts) {
  const lines = actors.get(actor);
  if (!lines) throw new Error('unknown actor ' + actor);
  const line = [actor, ...parts.map(js)].join(' ');
  lines.push(line);
  if (trace) process.stderr.write(line + '\n');
}

function dump() {
  for (const lines of actors.values()) {
    for (const l of lines) process.stdout.write(l + '\n');
    lines.length = 0;
  }
}

process.on('exit', dump);

// Error as "<code> <syscall>" (syscall left out when absent); a code-less
// error prints as "nocode:<message>"; null/undefined print as "null".
function ecode(e) {
  if (e === null || e === undefined) return 'null';
  if (e.code === undefined || e.code === null) return 'nocode:' + e.message;
  let s = String(e.code);
  if (e.syscall) s += ' ' + e.syscall;
  return s;
}

function guard(ms = 5000) {
  setTimeout(() => {
    dump();
    process.stdout.write('TIMEOUT\n');
    process.exit(3);
  }, ms).unref();
}

module.exports = { net, setup, rec, js, ecode, guard, dump };
