// An immediate, then a tick, both from the main program: the tick runs first.
setImmediate(() => console.log('immediate'));
process.nextTick(() => console.log('nextTick'));
