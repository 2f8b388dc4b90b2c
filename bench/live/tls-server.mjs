// TLS server for the live benchmark (run inside the server namespace by run-live.sh).
// Real kernel TCP, real TLS (Node's OpenSSL): each connection gets a full handshake,
// reads one small request, answers one small response and closes; a request for
// `/bulk` is answered with data, as fast as the connection takes it, until the client
// closes (the bulk scenario's long downloads).
//
//   node tls-server.mjs <bind-address> <port> <key.pem> <cert.pem> [workers]
//
// `workers` processes (cluster, default 1) accept on the same socket; the kernel
// spreads the connections (SCHED_NONE: no round-robin through the primary).
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';

const [host, port, keyFile, certFile, workersArg] = process.argv.slice(2);
if (!host || !port || !keyFile || !certFile) {
  console.error('usage: node tls-server.mjs <bind-address> <port> <key.pem> <cert.pem> [workers]');
  process.exit(2);
}
const workers = Math.max(1, Number(workersArg ?? 1) || 1);
const response = Buffer.from('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 3\r\nconnection: close\r\n\r\nok\n');
const bulkHead = Buffer.from('HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\nconnection: close\r\n\r\n');
const bulkChunk = Buffer.alloc(256 * 1024, 0x5a);

/** Data until the client goes away: written whenever the socket takes more. */
function stream(socket) {
  socket.write(bulkHead);
  const more = () => {
    while (!socket.destroyed && socket.write(bulkChunk));
  };
  socket.on('drain', more);
  socket.on('end', () => socket.end());
  more();
}

if (cluster.isPrimary && workers > 1) {
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  let ready = 0;
  for (let i = 0; i < workers; i++) {
    cluster.fork().on('message', (m) => {
      if (m === 'listening' && ++ready === workers) console.log('server ready');
    });
  }
  process.on('SIGTERM', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
    process.exit(0);
  });
} else {
  const server = tls.createServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, (socket) => {
    socket.on('error', () => {});
    socket.setTimeout(10_000, () => socket.destroy());
    socket.once('data', (d) => (d.toString('latin1', 0, 9) === 'GET /bulk' ? stream(socket) : socket.end(response)));
  });
  server.on('tlsClientError', () => {});
  server.listen({ host, port: Number(port), backlog: 8192 }, () => {
    if (cluster.isWorker) process.send?.('listening');
    else console.log('server ready');
  });
  process.on('SIGTERM', () => process.exit(0));
}
