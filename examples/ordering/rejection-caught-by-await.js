// A rejected promise awaited inside an async function: the error reaches the awaiting
// function (its catch) one microtask turn later; nothing is reported as unhandled.
async function f(p) {
  try {
    await p;
    console.log('no error?');
  } catch (e) {
    console.log('caught ' + e.message);
  }
}
const p = Promise.reject(new Error('ENOENT'));
f(p);
process.nextTick(() => console.log('nextTick'));
console.log('main');
