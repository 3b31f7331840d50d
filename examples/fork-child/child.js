// examples/fork-child/child.js — main.cc's child side, in Node (started by ../fork-parent/parent.js).
if (!process.send) {
  console.error('child.js: no IPC channel (start me with child_process.fork)');
  process.exit(2);
}
process.on('message', (m) => {
  if (m.type === 'echo') {
    process.send({ ...m, type: 'echo-reply', pid: process.pid });
  } else if (m.type === 'exit') {
    process.exitCode = m.code || 0;
    process.disconnect();  // nothing else keeps the event loop alive: the process ends
  }
});
process.on('disconnect', () => {});
process.send({ type: 'ready', pid: process.pid });
