// A Node echo server that destroys the socket on 'end' (the client's half-close), throwing away
// the echo still queued in the socket's write buffer (BUG-19 in Node).
// fails: 5 | lost:
const net = require('net');
const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  socket.on('data', (chunk) => socket.write(chunk));
  socket.on('end', () => socket.destroy());
  socket.on('error', () => socket.destroy());
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
