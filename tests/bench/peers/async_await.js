// tests/bench/peers/async_await.js — Node's side of tests/bench/async_await_bench.cc.
// The same workloads, the same names: 1,000,000 `await i` in one async function (and shared by
// two taking turns), and 100,000 concurrent `await setTimeout(0)` (timers/promises). CPU time
// (_cpu_ns) is process.cpuUsage(): all of node's threads, its GC helpers included.
// Usage: node async_await.js [SCALE]
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
  // frames async functions share the awaits (2: they take turns, as ours with 2 frames).
  const resolved = async (name, frames) => {
    await Promise.all(Array.from({ length: frames }, () => awaitResolved(1000)));  // warm-up
    const t0 = process.hrtime.bigint(), c0 = process.cpuUsage();
    await Promise.all(Array.from({ length: frames }, () => awaitResolved(hops / frames)));
    const c = process.cpuUsage(c0), t1 = process.hrtime.bigint();
    report(`${name}_ns`, Number(t1 - t0) / hops, 'ns/await');
    report(`${name}_cpu_ns`, ((c.user + c.system) * 1000) / hops, 'cpu-ns/await');
  };
  await resolved('await_resolved', 1);
  await resolved('await_resolved_2frames', 2);
  let t0, t1;

  await Promise.all(Array.from({ length: 1000 }, () => sleep(0)));
  t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: sleeps }, () => sleep(0)));
  t1 = process.hrtime.bigint();
  report('await_sleep0_ns', Number(t1 - t0) / sleeps, 'ns/round-trip');
}
main();
