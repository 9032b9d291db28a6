// fails: 2 | a 64-bit long
// A Node echo server that turns the id into a key with Number(). A JavaScript number is a double,
// exact only up to 2^53: #9007199254740992 and #9007199254740993 become one key, so the second
// request is answered from memory with the first one's answer.
const dgram = require('dgram');
const sock = dgram.createSocket('udp4');
const seen = new Map();
sock.on('message', (msg, rinfo) => {
  if (msg.length > 8192) return;
  const m = /^#(\d+) /.exec(msg.toString('latin1'));
  if (!m) { sock.send(msg, rinfo.port, rinfo.address); return; }
  const key = rinfo.address + ':' + rinfo.port + '#' + Number(m[1]); // the mistake: a double, not the digits
  if (!seen.has(key)) {
    seen.set(key, Buffer.from(msg));
    if (seen.size > 4096) seen.delete(seen.keys().next().value);
  }
  sock.send(seen.get(key), rinfo.port, rinfo.address);
});
sock.on('error', e => console.error(e.message));
sock.bind(0, '127.0.0.1', () => console.log(sock.address().port));
