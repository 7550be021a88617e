// The client side of part 4, in its own process so its memory never counts as the server's. Driven over IPC:
//   {cmd:'open', url, nsp, upTo, auth:[...] (cycled), concurrency, sources:[ip...]} → {ok, open, failed, error, ms}
//   {cmd:'close'} → closes every socket and exits.
import { io } from 'socket.io-client';

const sockets = [];
let failed = 0;
let firstError = null;

async function open({ url, nsp, upTo, auth, concurrency = 100, sources = ['127.0.0.1'] }) {
  const t0 = performance.now();
  let next = sockets.length;
  const worker = async () => {
    while (next < upTo) {
      const i = next++;
      await new Promise((resolve) => {
        const s = io(`${url}${nsp}`, {
          auth: auth[i % auth.length], transports: ['websocket'], forceNew: true, reconnection: false, timeout: 60_000,
          localAddress: sources[i % sources.length],
        });
        s.once('connect', () => { sockets.push(s); resolve(); });
        s.once('connect_error', (e) => { failed++; firstError ??= `${e.message}${e.data ? ` ${JSON.stringify(e.data)}` : ''}`; s.close(); resolve(); });
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { open: sockets.filter((s) => s.connected).length, failed, error: firstError, ms: Math.round(performance.now() - t0) };
}

process.on('message', async (m) => {
  if (m.cmd === 'open') process.send({ ok: true, ...(await open(m)) });
  if (m.cmd === 'close') {
    for (const s of sockets) s.close();
    setTimeout(() => process.exit(0), 200);
  }
});
process.send({ ready: true });
