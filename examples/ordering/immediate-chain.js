// An immediate queues an immediate and a tick: the tick first, the new immediate next iteration.
setImmediate(() => {
  console.log('immediate 1');
  setImmediate(() => console.log('immediate 2'));
  process.nextTick(() => console.log('tick'));
});
