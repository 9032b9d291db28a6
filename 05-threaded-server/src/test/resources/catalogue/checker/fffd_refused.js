// fails: 3 | U+FFFD taken for bytes that are not UTF-8
// A Node client-list server that tells a name that is not UTF-8 by decoding it leniently
// (toString('utf8')) and looking for U+FFFD in the result: a valid name that contains U+FFFD
// itself (bytes EF BF BD) is refused as "not UTF-8". Otherwise correct: the name up to its newline
// or the client's FIN, at most 256 bytes, one CR before the newline dropped, an empty name refused,
// the entry from socket.remoteAddress/remotePort, the whole list sent, then the socket ended.
const net = require('net');
const clients = {};
const server = net.createServer((sock) => {
  let buf = Buffer.alloc(0), done = false;
  const answer = (obj) => { done = true; sock.end(JSON.stringify(obj)); };
  const finish = () => {
    if (done) return;
    let i = buf.indexOf(10);
    let raw = i >= 0 ? buf.subarray(0, i) : buf;
    if (raw.length && raw[raw.length - 1] === 13) raw = raw.subarray(0, raw.length - 1);
    if (raw.length > 256) return answer({ error: 'name longer than 256 bytes' });
    const name = raw.toString('utf8');
    if (name.includes('\uFFFD')) return answer({ error: 'name is not valid UTF-8' }); // the mistake
    if (!name) return answer({ error: 'empty name' });
    clients[name] = { name, address: sock.remoteAddress, port: sock.remotePort };
    answer(clients);
  };
  sock.on('data', (d) => {
    if (done) return;
    buf = Buffer.concat([buf, d]);
    if (buf.indexOf(10) >= 0 || buf.length > 258) finish();
  });
  sock.on('end', finish);
  sock.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
