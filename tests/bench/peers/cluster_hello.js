// tests/bench/peers/cluster_hello.js — Node.js's twin of the cluster demo's /hello, for
// `make bench-peers` (group cluster). A primary forks WORKERS workers (default 2) with the
// cluster module, round-robin scheduling (Node's default on Linux, set explicitly here); each
// worker answers every request with 200 text/plain "Hello, World!".
// Usage: WORKERS=2 node cluster_hello.js PORT      SIGTERM stops the primary and its workers.
'use strict';
const cluster = require('cluster');
const http = require('http');

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('usage: node cluster_hello.js PORT');
  process.exit(64);
}
cluster.schedulingPolicy = cluster.SCHED_RR;

if (cluster.isPrimary) {
  const workers = Number(process.env.WORKERS || 2);
  for (let i = 0; i < workers; i++) cluster.fork();
  let listening = 0;
  cluster.on('listening', () => {
    if (++listening === workers) console.log(`node cluster hello: ${workers} workers on http://127.0.0.1:${port}/`);
  });
  process.on('SIGTERM', () => {
    for (const id in cluster.workers) cluster.workers[id].kill('SIGTERM');
    process.exit(0);
  });
} else {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('Hello, World!');
  });
  server.keepAliveTimeout = 65000;  // as nginx's keepalive_timeout: wrk's connections stay open
  server.listen(port, '127.0.0.1');
  process.on('SIGTERM', () => process.exit(0));
}
