// A correct Node echo server: pipe() with allowHalfOpen, and an 'error' handler per socket.
// passes
const net = require('net');
const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  socket.on('error', () => socket.destroy());
  socket.pipe(socket);
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
