// From the main program: a resolved promise's then, a tick and an immediate.
// The tick first (nextTick queue), then the then-callback (microtask queue, drained right
// after the ticks), and the immediate only in the check phase of the first iteration.
setImmediate(() => console.log('immediate'));
Promise.resolve().then(() => console.log('then'));
process.nextTick(() => console.log('nextTick'));
