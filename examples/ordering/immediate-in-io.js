// Inside an I/O callback, an immediate always beats a 0 ms timeout.
// Node has no public socketpair(); a local TCP connection becoming readable is the same event
// for the loop: the 'data' callback below runs in the poll phase.
const net = require('net');
const server = net.createServer((sock) => {
  sock.once('data', () => {
    console.log('io');
    setTimeout(() => console.log('timeout'), 0);
    setImmediate(() => console.log('immediate'));
    sock.destroy();
    server.close();
  });
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1', () => c.end('x'));
});
