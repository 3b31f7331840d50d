// Two chains side by side: an async function awaiting three times, and a then-chain of three.
// Each await and each then is one microtask turn, so they interleave strictly.
async function f() {
  for (let i = 1; i <= 3; i++) {
    await null;
    console.log('await ' + i);
  }
}
f();
Promise.resolve()
  .then(() => console.log('then 1'))
  .then(() => console.log('then 2'))
  .then(() => console.log('then 3'));
