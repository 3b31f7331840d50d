// tests/bench/peers/async_await.js — Node's side of tests/bench/async_await_bench.cc.
// The same workloads, the same names: 1,000,000 `await i` in one async function, and 100,000
// concurrent `await setTimeout(0)` (timers/promises). Usage: node async_await.js [SCALE]
'use strict';
const { setTimeout: sleep } = require('timers/promises');

const scale = Number(process.argv[2] || process.env.BENCH_SCALE || 1);
const scaled = (n) => Math.max(1, Math.floor(n * scale));
const report = (name, value, unit) => console.log(`bench: ${name} ${value.toFixed(1)} ${unit}`);

async function awaitResolved(n) {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += await i;
  return sum;
}

async function main() {
  const hops = scaled(1e6), sleeps = scaled(1e5);
  await awaitResolved(1000);  // warm-up, as ours
  let t0 = process.hrtime.bigint();
  await awaitResolved(hops);
  let t1 = process.hrtime.bigint();
  report('await_resolved_ns', Number(t1 - t0) / hops, 'ns/await');

  await Promise.all(Array.from({ length: 1000 }, () => sleep(0)));
  t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: sleeps }, () => sleep(0)));
  t1 = process.hrtime.bigint();
  report('await_sleep0_ns', Number(t1 - t0) / sleeps, 'ns/round-trip');
}
main();
