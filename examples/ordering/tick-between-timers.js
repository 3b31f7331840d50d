// A tick queued in the first of two due timers runs before the second timer.
setTimeout(() => {
  console.log('timer 1');
  process.nextTick(() => console.log('tick'));
}, 2);
setTimeout(() => console.log('timer 2'), 2);
