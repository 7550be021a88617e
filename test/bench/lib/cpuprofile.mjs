// Summarises a V8 .cpuprofile (node --cpu-prof) by self time: per function and per package/module.
import { readFileSync } from 'node:fs';

function bucketOf(url) {
  if (!url) return '(native/V8)';
  const u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = u.slice(nm + 13).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const d = /\/dist\/((?:libs|channels|apps)\/[^/]+)\//.exec(u);
  if (d) return `parley:${d[1]}`;
  if (u.startsWith('node:')) return 'node (core modules)';
  return u.split('/').slice(-2).join('/');
}

export function summariseCpuProfile(file, { top = 25 } = {}) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map();
  // samples[i] ran for timeDeltas[i] µs (the delta *before* the sample, close enough at 1 kHz sampling)
  for (let i = 0; i < prof.samples.length; i++) self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i] ?? 0));
  const totalUs = [...self.values()].reduce((a, b) => a + b, 0);
  const fns = new Map();
  const pkgs = new Map();
  let idleUs = 0;
  for (const [id, us] of self) {
    const cf = byId.get(id).callFrame;
    if (cf.functionName === '(idle)') { idleUs += us; continue; }
    const name = cf.functionName || '(anonymous)';
    const where = cf.url ? `${cf.url.replace(/^file:\/\//, '').replace(/^.*\/(node_modules|dist)\//, '$1/')}:${cf.lineNumber + 1}` : '';
    const key = `${name} ${where}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + us);
    const b = ['(garbage collector)', '(program)'].includes(cf.functionName) ? cf.functionName : bucketOf(cf.url);
    pkgs.set(b, (pkgs.get(b) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  const rows = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, us]) => ({ name: k, selfMs: Math.round(us / 1000), share: Math.round((us / busyUs) * 1000) / 10 }));
  return { wallMs: Math.round(totalUs / 1000), busyMs: Math.round(busyUs / 1000), functions: rows(fns), packages: rows(pkgs) };
}
