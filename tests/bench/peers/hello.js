// tests/bench/peers/hello.js — Node.js's twin of examples/hello, for `make bench-peers`.
// One process, one event loop, node's own http module: every request gets 200 text/plain
// "Hello, World!". Usage: node hello.js PORT
'use strict';
const http = require('http');

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('usage: node hello.js PORT');
  process.exit(64);
}
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end('Hello, World!');
});
server.keepAliveTimeout = 65000;  // as nginx's keepalive_timeout: wrk's connections stay open
server.listen(port, '127.0.0.1', () => console.log(`node hello: listening on http://127.0.0.1:${port}/`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
