// Renders results.json as Markdown tables (printed at the end of every run; `node test/bench/report.mjs [file]`).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const f = (x, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? '–' : typeof x === 'number' ? (Number.isInteger(x) ? String(x) : x.toFixed(d)) : String(x));
const table = (head, rows) => [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map((c) => f(c)).join(' | ')} |`)].join('\n');
const ratio = (a, b, d = 2) => (a != null && b ? Number((a / b).toFixed(d)) : null);

function ingest(p) {
  const out = [`### Ingest to screen (parts 1 and 2): ${p.durationMs / 1000} s per step, ${p.contacts} customers writing, open loop`];
  if (p.agentsNamespace && !p.agentsNamespace.available) out.push(`/agents not available (${p.agentsNamespace.reason}): ingest-to-socket not measured.`);
  const rows = [];
  for (const [k, group] of (p.parley ?? []).entries()) {
    for (const s of group.steps) {
      const b = p.baseline?.[k]?.steps.find((x) => x.rate === s.rate);
      if (s.skipped) { rows.push([group.sockets, s.rate, 'skipped', '', '', '', '', '', '', '', '']); continue; }
      rows.push([
        group.socketsConnected, s.rate, s.achievedPerSec, `${f(s.ack.p50)} / ${f(s.ack.p99)}`, s.ingestToSocket ? `${f(s.ingestToSocket.p50)} / ${f(s.ingestToSocket.p99)}` : '–',
        `${f(s.cpuMsPerMessage.hub, 2)} + ${f(s.cpuMsPerMessage.db, 2)}`,
        b && !b.skipped ? `${f(b.ack.p50)} / ${f(b.ack.p99)}` : '–', b?.ingestToSocket ? `${f(b.ingestToSocket.p50)} / ${f(b.ingestToSocket.p99)}` : '–',
        b && !b.skipped ? `${f(b.cpuMsPerMessage.app, 2)} + ${f(b.cpuMsPerMessage.db, 2)}` : '–',
        b && !b.skipped ? f(ratio(s.ack.p99, b.ack.p99, 1)) : '–', b?.ingestToSocket && s.ingestToSocket ? f(ratio(s.ingestToSocket.p99, b.ingestToSocket.p99, 1)) : '–',
      ]);
    }
  }
  out.push(table(['sockets', 'rate/s', 'Parley done/s', 'Parley ack p50 / p99 ms', 'Parley to socket p50 / p99 ms', 'Parley CPU ms/msg (hub + db)', 'baseline ack p50 / p99 ms', 'baseline to socket p50 / p99 ms', 'baseline CPU ms/msg (app + db)', 'ack p99 ×', 'to socket p99 ×'], rows));
  const hi = (p.parley ?? []).map((g, k) => `${g.sockets} sockets: Parley ${f(g.highestRateP99Under500ms) === '–' ? 'none of the rates' : `${g.highestRateP99Under500ms}/s`}, baseline ${f(p.baseline?.[k]?.highestRateP99Under500ms) === '–' ? 'none' : `${p.baseline[k].highestRateP99Under500ms}/s`}`);
  out.push('', `Highest rate with every request answered and p99 (ack and to-socket) under 500 ms — ${hi.join('; ')}.`);
  if (p.parleySaturation && p.baselineSaturation) {
    out.push('', table(['closed loop, 16 in flight, no sockets', 'messages/s', 'latency p50 / p99 ms', 'CPU ms/msg (app + db)'], [
      ['Parley', p.parleySaturation.perSec, `${f(p.parleySaturation.latency.p50)} / ${f(p.parleySaturation.latency.p99)}`, p.parleySaturation.cpuMsPerMessageTotal],
      ['baseline', p.baselineSaturation.perSec, `${f(p.baselineSaturation.latency.p50)} / ${f(p.baselineSaturation.latency.p99)}`, p.baselineSaturation.cpuMsPerMessageTotal],
    ]), '', `Throughput Parley ÷ baseline: **${f(p.ratio?.throughput, 3)}**.`);
  }
  return out.join('\n');
}

function scale(p) {
  const out = [`### Ingest at scale (part 1b): ${p.messagesPerSize} messages one at a time once the database already holds N messages (and N/10 conversations)`];
  out.push(table(['messages already stored', 'conversations', 'ack p50 / p99 ms', 'to socket p50 / p99 ms', 'slowest database commands (mean ms)'], p.points.map((x) => [
    x.messages, x.conversations, `${f(x.ack.p50)} / ${f(x.ack.p99)}`, x.ingestToSocket ? `${f(x.ingestToSocket.p50)} / ${f(x.ingestToSocket.p99)}` : '–',
    x.dbCommands.slice(0, 3).map((c) => `\`${c.command}\` ${f(c.meanMs)}`).join('; '),
  ])));
  return out.join('\n');
}

function fanout(p) {
  const out = [`### Fan-out (part 3): one message at a time, ${p.messagesPerSize} messages per room size`];
  if (!p.parley) out.push(`Parley: not available (${p.agentsNamespace?.reason}).`);
  const rows = p.sizes.map((n, i) => {
    const a = p.parley?.[i]; const b = p.baseline?.[i];
    const spreadRate = (x) => (x?.firstToLastSocket?.p50 ? Math.round(n / (x.firstToLastSocket.p50 / 1000)) : null);
    return [n, a?.deliveriesPerSecMedian, a ? `${f(a.sendToLastSocket.p50)} / ${f(a.sendToLastSocket.p99)}` : '–', a ? `${f(a.firstToLastSocket.p50)} (${f(spreadRate(a))}/s)` : '–',
      b?.deliveriesPerSecMedian, b ? `${f(b.sendToLastSocket.p50)} / ${f(b.sendToLastSocket.p99)}` : '–', b ? `${f(b.firstToLastSocket.p50)} (${f(spreadRate(b))}/s)` : '–', f(ratio(a?.deliveriesPerSecMedian, b?.deliveriesPerSecMedian))];
  });
  out.push(table(['room size', 'Parley deliveries/s (request → last)', 'Parley request → last socket p50 / p99 ms', 'Parley first → last socket p50 ms (deliveries/s)', 'plain emit deliveries/s', 'plain emit request → last p50 / p99 ms', 'plain first → last p50 ms (deliveries/s)', 'Parley ÷ plain'], rows));
  return out.join('\n');
}

function connections(p) {
  const out = ['### Idle connections (part 4): server RSS per socket, clients in another process'];
  const rows = [];
  for (const r of p.runs) {
    if (r.unavailable) { rows.push([r.label, 'not available', '', '', '', '']); continue; }
    let before = 0;
    for (const pt of r.points) {
      const rate = pt.connectMs ? Math.round((pt.open - before) / (pt.connectMs / 1000)) : '–';
      before = pt.open;
      rows.push([r.label, pt.open, pt.failed, rate, `${f(r.serverRssBeforeMiB)} → ${f(pt.serverRssMiB)}`, pt.kibPerSocket]);
    }
  }
  out.push(table(['server', 'sockets open', 'refused', 'connects/s', 'RSS MiB (before → with sockets)', 'KiB per socket'], rows));
  return out.join('\n');
}

function reads(p) {
  const out = ['### Inbox reads (part 5): supervisor, limit 25, sequential requests after a warm-up, API and raw driver alternating'];
  out.push(table(['conversations', 'query', 'requests', 'API p50 / p99 ms', 'raw driver p50 / p99 ms', 'API ÷ raw (p50)'], p.points.map((x) => [x.conversations, x.query, x.repetitions, `${f(x.api.p50)} / ${f(x.api.p99)}`, `${f(x.raw.p50)} / ${f(x.raw.p99)}`, f(ratio(x.api.p50, x.raw.p50))])));
  if (p.p99Growth) out.push('', p.p99Growth.map((g) => `p99 growth ${g.from} → ${g.to} (${g.query}): API ×${f(g.api)}, raw driver ×${f(g.raw)}`).join('; ') + '.');
  return out.join('\n');
}

function burst(p) {
  return [`### Webhook burst (part 6): ${p.requests} requests in ${p.durationMs / 1000} s, ${p.repeats} repeats, channel ${p.channel}`,
    table(['ack p50 / p99 / max ms', 'answers', 'distinct messages', 'stored', 'duplicates stored', 'lost'], [[`${f(p.ack.p50)} / ${f(p.ack.p99)} / ${f(p.ack.max)}`, Object.entries(p.statuses).map(([k, v]) => `${v}×${k}`).join(' '), p.distinctMessages, p.storedRows, p.duplicatesStored, p.lost]])].join('\n');
}

function profile(p) {
  const out = [`### Where the time goes: ${p.step.ok} messages at ${p.rate}/s with ${p.sockets} agent sockets, hub under --cpu-prof`,
    `Hub CPU ${f(p.step.cpuMsPerMessage.hub, 2)} ms/msg, database CPU ${f(p.step.cpuMsPerMessage.db, 2)} ms/msg; database command time ${f(p.dbCommandMsPerMessage, 2)} ms per message (one connection, serialized).`, ''];
  if (p.cpuProfile) {
    out.push(table(['hub self time by package', 'ms', '%'], p.cpuProfile.packages.slice(0, 10).map((x) => [x.name, x.selfMs, x.share])), '');
    out.push(table(['hub self time by function', 'ms', '%'], p.cpuProfile.functions.slice(0, 12).map((x) => [`\`${x.name}\``, x.selfMs, x.share])), '');
  }
  out.push(table(['database command (shape)', 'count', 'total ms', 'mean ms', '%'], p.dbCommands.slice(0, 12).map((c) => [`\`${c.command}\``, c.n, c.totalMs, c.meanMs, c.share])));
  return out.join('\n');
}

export function renderMarkdown(r) {
  const out = [`## Parley bench — ${r.date.slice(0, 16).replace('T', ' ')} UTC`, '',
    `\`${r.command}\` · Node ${r.node} · database: ${r.database} · ${r.machine.cpus} CPUs (${r.machine.cpuModel}), ${r.machine.memGiB} GiB · load average at start ${r.machine.loadAvgAtStart?.join(' ')}, at end ${r.machine.loadAvgAtEnd?.join(' ') ?? '–'} · git ${r.git.rev}${r.git.uncommittedChangesInSources ? ' (+ uncommitted changes in sources)' : ''}${r.quick ? ' · QUICK run' : ''}`, ''];
  const parts = [['ingest', ingest], ['scale', scale], ['fanout', fanout], ['connections', connections], ['reads', reads], ['burst', burst], ['profile', profile]];
  for (const [k, fn] of parts) {
    const p = r.parts[k];
    if (!p) continue;
    if (p.error) { out.push(`### ${k}: FAILED — ${p.error}`, ''); continue; }
    try { out.push(fn(p), ''); } catch (e) { out.push(`### ${k}: (could not render: ${e.message})`, ''); }
  }
  return out.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2] ?? new URL('./results.json', import.meta.url);
  process.stdout.write(`${renderMarkdown(JSON.parse(readFileSync(file, 'utf8')))}\n`);
}
