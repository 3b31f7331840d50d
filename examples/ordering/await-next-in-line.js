// Awaits that are the next microtask anyway, beside ones that are not. osnode takes the turn
// of a ready await in place when its frame is the microtask running and nothing else is queued
// (loop/frame.h, suspend_for_one_turn); each line below is a case where that must change
// nothing. A tick queued before an in-place await still waits for the queue to drain; an
// async function started by a plain microtask (not a frame) suspends, the microtask goes on;
// a child queued first resumes before its parent. Deterministic: microtasks and ticks only.
async function child() {
  await null;
  console.log('child');
}
async function inner() {
  console.log('inner 1');
  await null;
  console.log('inner 2');
}
async function parent() {
  console.log('parent 1');
  await null;  // behind the microtask queued first: goes round the queue
  console.log('parent 2');
  await null;  // inner's turn is queued: round again
  console.log('parent 3');
  process.nextTick(() => console.log('tick from parent'));
  await null;  // nothing else queued: in place in osnode, still before the tick
  console.log('parent 4');
  child();
  await null;  // the child's turn is queued first
  console.log('parent 5');
}
queueMicrotask(() => {
  inner();
  console.log('after inner()');
});
parent();
console.log('main');
