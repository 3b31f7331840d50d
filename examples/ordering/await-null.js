// An async function with `await null`, beside a tick, a then and an immediate. The body runs
// at once up to the await; `await null` resumes one microtask turn later — after the tick
// (ticks drain first) and after the then queued before it resumed.
async function f() {
  console.log('async start');
  await null;
  console.log('after await');
}
setImmediate(() => console.log('immediate'));
f();
Promise.resolve().then(() => console.log('then'));
process.nextTick(() => console.log('nextTick'));
console.log('main');
