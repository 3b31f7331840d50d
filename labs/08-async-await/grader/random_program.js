// labs/08-async-await/grader/random_program.js — the random ordering programs, run by Node.
//
// `node random_program.js SEED` prints the labels of program SEED in the order Node runs them;
// `node random_program.js --table FIRST COUNT` prints "SEED: label label ..." lines, which is
// how node_orders.txt (the grader's stored Node output) was made. random_program.h builds the
// very same program in C++ from the same seed (xorshift32, the same draws in the same order).
'use strict';

function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
}

// An action: { kind, label, children }. kinds: 0 nextTick, 1 queueMicrotask, 2 setImmediate,
// 3 Promise.resolve().then, 4 an async function's `await null`.
function generate(next, depth, prefix) {
  const count = depth === 0 ? 2 + (next() % 4) : 1 + (next() % 3);
  const actions = [];
  for (let i = 0; i < count; i++) {
    const kind = next() % 5;
    const label = prefix + 'tmipa'[kind] + i;
    const children = depth < 3 && next() % 2 === 0 ? generate(next, depth + 1, label + '.') : [];
    actions.push({ kind, label, children });
  }
  return actions;
}

function schedule(action, out) {
  const run = () => {
    out.push(action.label);
    for (const child of action.children) schedule(child, out);
  };
  switch (action.kind) {
    case 0: process.nextTick(run); break;
    case 1: queueMicrotask(run); break;
    case 2: setImmediate(run); break;
    case 3: Promise.resolve().then(run); break;
    case 4: (async () => { await null; run(); })(); break;
  }
}

function runProgram(seed, done) {
  const out = [];
  for (const action of generate(rng(seed), 0, '')) schedule(action, out);
  // Every immediate chain is at most 4 deep: 8 check phases later all have run.
  let waits = 8;
  const wait = () => (--waits > 0 ? setImmediate(wait) : done(out));
  setImmediate(wait);
}

if (process.argv[2] === '--table') {
  const first = Number(process.argv[3]), count = Number(process.argv[4]);
  let seed = first;
  const one = () => {
    if (seed >= first + count) return;
    const s = seed++;
    runProgram(s, (out) => { console.log(`${s}: ${out.join(' ')}`); one(); });
  };
  one();
} else {
  runProgram(Number(process.argv[2]), (out) => console.log(out.join(' ')));
}
