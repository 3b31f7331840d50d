// examples/line-server/main.js — the Node.js twin of main.cc: node examples/line-server/main.js [PORT]
const net = require('net');
let lines = 0;
const server = net.createServer((socket) => {
  let pending = '';
  socket.setEncoding('latin1');  // one character per byte: lengths in bytes, as in main.cc
  socket.on('error', () => {});  // main.cc's loop-owned socket just closes on an error
  socket.on('data', (chunk) => {
    pending += chunk;
    for (let nl; (nl = pending.indexOf('\n')) !== -1; pending = pending.slice(nl + 1), ++lines)
      socket.write(`${nl}\n`);
  });
});
server.listen(Number(process.argv[2] ?? 7000), '127.0.0.1',
              () => console.log(`line-server: listening on 127.0.0.1:${server.address().port}`));
setInterval(() => console.log(`${lines} lines so far`), 1000);
