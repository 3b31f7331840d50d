// Inside an fs callback (poll phase): a tick, a then and an immediate. After the callback the
// tick, then the microtask, and the immediate in this same iteration's check phase, before
// any timer (a 0 ms timeout waits for the next iteration's timers phase).
const fs = require('fs');
fs.stat('.', () => {
  console.log('stat');
  setTimeout(() => console.log('timeout'), 0);
  setImmediate(() => console.log('immediate'));
  Promise.resolve().then(() => console.log('then'));
  process.nextTick(() => console.log('nextTick'));
});
