// Long TLS downloads for the live benchmark's bulk scenario (run inside the client
// namespace): N connections, each a full handshake, one `GET /bulk` request, then reading
// what the server streams as fast as it comes for <seconds>, then a close (FIN). Prints
// one JSON line on stdout: connections, completed (read until the end and closed cleanly),
// bytes read, and the rate.
//
//   node bulk-load.mjs <host> <port> <connections> <seconds>
import tls from 'node:tls';

const [host, portArg, countArg, secondsArg] = process.argv.slice(2);
const port = Number(portArg);
const count = Number(countArg);
const seconds = Number(secondsArg);
if (!host || !(port > 0) || !(count > 0) || !(seconds > 0)) {
  console.error('usage: node bulk-load.mjs <host> <port> <connections> <seconds>');
  process.exit(2);
}

const request = Buffer.from('GET /bulk HTTP/1.1\r\nhost: live.shakewatch.test\r\nconnection: close\r\n\r\n');
const started = performance.now();
let bytes = 0;
let completed = 0;
const errors = {};

const one = () => new Promise((resolve) => {
  const socket = tls.connect({ host, port, servername: 'live.shakewatch.test', rejectUnauthorized: false }, () => socket.write(request));
  let read = 0;
  let stopping = false;
  socket.on('data', (d) => (read += d.length));
  const timer = setTimeout(() => {
    stopping = true;
    socket.end(); // FIN: the server ends too
    setTimeout(() => socket.destroy(), 5000).unref();
  }, seconds * 1000);
  socket.on('error', (e) => {
    if (!stopping) errors[e.code ?? 'error'] = (errors[e.code ?? 'error'] ?? 0) + 1;
  });
  socket.on('close', () => {
    clearTimeout(timer);
    bytes += read;
    if (stopping && read > 0) completed++;
    resolve();
  });
});

await Promise.all(Array.from({ length: count }, one));
const wall = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ connections: count, seconds, completed, bytes, megabytesPerSecond: +(bytes / 1e6 / Math.max(wall, seconds)).toFixed(1), errors: Object.entries(errors).map(([k, v]) => `${k}:${v}`) })}\n`);
