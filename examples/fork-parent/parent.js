// examples/fork-parent/parent.js — the same as main.cc, in Node:  node examples/fork-parent/parent.js
const { fork } = require('child_process');
const path = require('path');

const child = fork(path.join(__dirname, '..', 'fork-child', 'child.js'));
console.log(`parent ${process.pid}: forked child ${child.pid}; its channel fd is in NODE_CHANNEL_FD`);
const kEchoes = 3;
let replies = 0;
child.on('message', (m) => {
  if (m.type === 'ready') {
    console.log(`child ${m.pid}: ready`);
    for (let i = 1; i <= kEchoes; ++i) child.send({ type: 'echo', text: `hello ${i}` });
  } else if (m.type === 'echo-reply') {
    console.log(`child ${m.pid}: echo-reply text=${m.text}`);
    if (++replies === kEchoes) child.send({ type: 'exit', code: 0 });
  }
});
const giveUp = setTimeout(() => child.kill('SIGKILL'), 5000);
child.on('exit', (code, signal) => {
  console.log(`child ${child.pid}: ${signal ? `killed by ${signal}` : `exited with code ${code}`}`);
  clearTimeout(giveUp);
  process.exitCode = replies === kEchoes && code === 0 ? 0 : 1;
});
