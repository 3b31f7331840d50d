// Ticks that queue ticks that queue ticks: all of them run before the immediate.
setImmediate(() => console.log('immediate'));
process.nextTick(() => {
  console.log('tick 1');
  process.nextTick(() => {
    console.log('tick 2');
    process.nextTick(() => console.log('tick 3'));
  });
});
