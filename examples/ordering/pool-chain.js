// A pool request chained from a pool callback, next to an immediate: the immediate first.
// fs.stat is one request on libuv's thread pool. Its callback runs in the poll phase; the
// second stat finishes on a pool thread while that callback is still running, but libuv takes
// its done list once per wake-up (uv__work_done), so 'stat 2' waits for the next iteration's
// poll phase — after this iteration's check phase has run the immediate.
const fs = require('fs');
fs.stat('.', () => {
  console.log('stat 1');
  setImmediate(() => console.log('immediate'));
  fs.stat('.', () => console.log('stat 2'));
});
