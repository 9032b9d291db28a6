// fails: 4 | the client's own address
// A Node client-list server that fills the entry from socket.localAddress and socket.localPort:
// the server's end of the connection, the same port for every client.
const net = require('net');
const clients = {};
const server = net.createServer(socket => {
  let name = '';
  let done = false;
  const answer = () => {
    if (done) return;
    done = true;
    name = name.split('\n')[0];
    clients[name] = { name, address: socket.localAddress, port: socket.localPort };
    socket.end(JSON.stringify(clients));
  };
  socket.setEncoding('utf8');
  socket.on('data', d => { name += d; if (name.includes('\n')) answer(); });
  socket.on('end', answer);
  socket.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
