// A small SMTP server for the browser tests: speaks the protocol (RFC 5321: greeting, EHLO,
// MAIL, RCPT, DATA with dot-stuffing, RSET, NOOP, QUIT) on loopback and keeps what it is
// given, so a test reads the e-mail ADAM really sent through its SMTP client (lettre).
import net from 'node:net';

export function startSink(port) {
  const messages = [];
  const waiters = [];
  const server = net.createServer((socket) => {
    socket.setEncoding('utf8');
    let buffer = '';
    let data = null;
    let envelope = { from: null, to: [] };
    const reply = (line) => socket.write(`${line}\r\n`);
    reply('220 adam-test-sink ESMTP');
    socket.on('data', (chunk) => {
      buffer += chunk;
      let at;
      while ((at = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        if (data !== null) {
          if (line === '.') {
            const message = { ...envelope, raw: data.join('\r\n'), text: decode(data.join('\r\n')) };
            messages.push(message);
            waiters.splice(0).forEach((w) => w());
            data = null;
            envelope = { from: null, to: [] };
            reply('250 2.0.0 queued');
          } else {
            data.push(line.startsWith('..') ? line.slice(1) : line);
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') { reply('250-adam-test-sink'); reply('250 8BITMIME'); }
        else if (verb === 'HELO') reply('250 adam-test-sink');
        else if (verb === 'MAIL') { envelope.from = line.slice(10).trim(); reply('250 2.1.0 ok'); }
        else if (verb === 'RCPT') { envelope.to.push(line.slice(8).trim().replace(/[<>]/g, '')); reply('250 2.1.5 ok'); }
        else if (verb === 'DATA') { data = []; reply('354 end with <CRLF>.<CRLF>'); }
        else if (verb === 'RSET') { envelope = { from: null, to: [] }; reply('250 ok'); }
        else if (verb === 'NOOP') reply('250 ok');
        else if (verb === 'QUIT') { reply('221 bye'); socket.end(); }
        else reply('502 5.5.2 not implemented');
      }
    });
    socket.on('error', () => {});
  });
  server.listen(port, '127.0.0.1');
  return {
    messages,
    /** The next message to `address`, waiting up to `ms`. */
    async next(address, ms = 20000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = messages.find((m) => m.to.includes(address) && !m.taken);
        if (found) { found.taken = true; return found; }
        if (Date.now() > deadline) throw new Error(`no e-mail to ${address} within ${ms} ms`);
        await new Promise((resolve) => { waiters.push(resolve); setTimeout(resolve, 200); });
      }
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

// Quoted-printable soft line breaks and escapes (what lettre uses for non-ASCII text).
function decode(raw) {
  const qp = raw.replace(/=\r\n/g, '').replace(/((?:=[0-9A-F]{2})+)/g, (seq) =>
    Buffer.from(seq.split('=').filter(Boolean).map((h) => parseInt(h, 16))).toString('utf8'));
  return qp;
}
