// fails: 4 | the server's own address
// A Node client-list server whose entry takes the port from socket.remotePort but the address from
// socket.localAddress, the server's own end: right on 127.0.0.1 by luck (both ends share it), wrong
// for a client that connects from any other address. Otherwise correct: the name up to its newline
// or the client's FIN, at most 256 bytes, one CR before the newline dropped, an empty name or one
// that is not UTF-8 refused with a JSON error, the whole list sent, then close.
const net = require('net');
const clients = {};
const strict = new TextDecoder('utf-8', { fatal: true });
const server = net.createServer({ allowHalfOpen: true }, socket => {
  const chunks = [];
  let size = 0;
  let done = false;
  const refuse = error => socket.end(JSON.stringify({ error }));
  const answer = () => {
    if (done) return;
    done = true;
    let raw = Buffer.concat(chunks);
    const nl = raw.indexOf(10);
    if (nl >= 0) raw = raw.subarray(0, nl);
    if (raw.length > 256) return refuse('name longer than 256 bytes');
    if (raw.length > 0 && raw[raw.length - 1] === 13) raw = raw.subarray(0, raw.length - 1);
    let name;
    try {
      name = strict.decode(raw);
    } catch (e) {
      return refuse('name is not valid UTF-8');
    }
    if (name === '') return refuse('empty name');
    clients[name] = { name, address: socket.localAddress, port: socket.remotePort };
    socket.end(JSON.stringify(clients));
  };
  socket.on('data', d => {
    chunks.push(d);
    size += d.length;
    if (d.includes(10) || size > 256) answer();
  });
  socket.on('end', answer);
  socket.on('error', () => socket.destroy());
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
