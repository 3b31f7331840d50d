// The drain rule: every tick, then every microtask, round again until both are empty. A
// microtask queued by a tick runs in the same drain after the ticks; a tick queued by a
// microtask waits until the microtask queue has emptied.
setImmediate(() => console.log('immediate'));
process.nextTick(() => {
  console.log('tick 1');
  queueMicrotask(() => {
    console.log('micro from tick');
    process.nextTick(() => console.log('tick from micro from tick'));
  });
  process.nextTick(() => console.log('tick 2'));
});
queueMicrotask(() => {
  console.log('micro 1');
  process.nextTick(() => console.log('tick from micro 1'));
  queueMicrotask(() => console.log('micro 2'));
});
