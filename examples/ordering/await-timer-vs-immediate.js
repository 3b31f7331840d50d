// Inside an fs callback, an async function awaits a 1 ms timer and an immediate is queued:
// the immediate runs in this iteration's check phase; the timer's await resumes in a later
// timers phase, as a microtask right after the timer's callback (before the timer queued
// after it with the same deadline).
const fs = require('fs');
const { setTimeout: sleep } = require('timers/promises');
fs.stat('.', () => {
  (async () => {
    console.log('sleep start');
    await sleep(1);
    console.log('slept');
  })();
  setTimeout(() => console.log('timeout after'), 1);
  setImmediate(() => console.log('immediate'));
});
