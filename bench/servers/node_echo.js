// Node net echo server for the benchmarks: the echo of Node's docs (socket.pipe(socket)).
// Usage: node node_echo.js PORT   (0 = any free port); prints "LISTENING <port>".
'use strict';
const net = require('net');

const port = Number(process.argv[2] || 0);
const server = net.createServer({ noDelay: true }, (socket) => {
  socket.on('error', () => {});   // a peer reset must not stop the server
  socket.pipe(socket);
});
server.listen(port, '127.0.0.1', 511, () => {
  console.log(`LISTENING ${server.address().port} node=${process.version} uv=${process.versions.uv}`);
});
