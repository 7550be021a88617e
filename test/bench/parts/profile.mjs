// Where the time goes: the hub under `node --cpu-prof` while it ingests at a fixed rate with agents connected,
// summarised by self time per function and per package, plus the database commands it sent (through a wire
// tap: count, total and mean time per command shape). Runs with `npm run bench -- --profile`.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { connectSockets, incomingRequest, makeWorkspace, probeNamespace, startHub, benchTmp } from '../lib/services.mjs';
import { startWireTap } from '../lib/wire-tap.mjs';
import { summariseCpuProfile } from '../lib/cpuprofile.mjs';
import { runStep } from './ingest.mjs';

export async function profilePart({ db, quick, log }) {
  const rate = 40; // below saturation on a 2-core machine, so the profile is steady work, not queueing
  const sockets = 100;
  const durationMs = quick ? 5_000 : 15_000;
  const tap = await startWireTap(db.uri);
  const dir = benchTmp('cpuprof');
  const hub = await startHub({ db: { ...db, uri: tap.uri }, dbName: 'parley_profile', cpuProfDir: dir });
  let step;
  let commands;
  try {
    const w = await makeWorkspace(hub, { agents: 10 });
    const probe = await probeNamespace(hub.url, '/agents', { token: w.agents[0].token });
    const conn = probe.available ? await connectSockets(hub.url, '/agents', sockets, (i) => ({ token: w.agents[i % w.agents.length].token })) : { sockets: [] };
    const target = { name: 'parley', url: hub.url, pids: { hub: hub.pid, ...(db.pid ? { db: db.pid } : {}) }, request: (e, i, t) => incomingRequest(w, e, i, t) };
    await runStep(target, { rate: 50, durationMs: 2_000, sockets: conn.sockets, tag: 'warm' });
    tap.reset();
    step = await runStep(target, { rate, durationMs, sockets: conn.sockets, tag: `prof-${Date.now().toString(36)}` });
    commands = tap.top(15);
    for (const s of conn.sockets) s.close();
  } finally {
    await hub.stop();
    await tap.close();
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  const prof = file ? summariseCpuProfile(path.join(dir, file), { top: 20 }) : null;
  const dbTotal = commands.reduce((a, c) => a + c.totalMs, 0);
  log(`  profiled ${step.ok} messages at ${rate}/s with ${step.sockets} sockets: hub ${step.cpuMsPerMessage.hub} ms CPU/msg, db ${step.cpuMsPerMessage.db ?? '–'} ms CPU/msg; db command time ${Math.round(dbTotal / Math.max(1, step.ok) * 10) / 10} ms/msg`);
  if (prof) for (const p of prof.packages.slice(0, 8)) log(`    ${String(p.share).padStart(5)}%  ${p.name}`);
  return {
    rate, sockets: step.sockets, durationMs, step,
    dbCommands: commands, dbCommandMsPerMessage: step.ok ? Math.round((dbTotal / step.ok) * 100) / 100 : null,
    cpuProfile: prof, profileFile: file ? path.join(dir, file) : null,
  };
}
