// Message text → safe pieces (plain text, links, @mentions) rendered as text nodes: never as HTML.

export type Piece = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string } | { kind: 'mention'; text: string };

const URL_RE = /\bhttps?:\/\/[^\s<>"']+/gi;

function trimTrailingPunct(url: string): string {
  let u = url;
  while (/[.,;:!?)\]]$/.test(u)) {
    if (u.endsWith(')') && (u.match(/\(/g)?.length ?? 0) >= (u.match(/\)/g)?.length ?? 0)) break;
    u = u.slice(0, -1);
  }
  return u;
}

function splitMentions(text: string, names: readonly string[]): Piece[] {
  if (!names.length || !text.includes('@')) return [{ kind: 'text', text }];
  const escaped = [...names].sort((a, b) => b.length - a.length).map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(`(^|\\s)(@(?:${escaped.join('|')}))(?=$|[\\s.,;:!?)])`, 'gi');
  const out: Piece[] = [];
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index + m[1].length;
    if (start > last) out.push({ kind: 'text', text: text.slice(last, start) });
    out.push({ kind: 'mention', text: m[2] });
    last = start + m[2].length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}

export function toPieces(text: string, mentionNames: readonly string[] = []): Piece[] {
  const out: Piece[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    const url = trimTrailingPunct(m[0]);
    const start = m.index ?? 0;
    if (start > last) out.push(...splitMentions(text.slice(last, start), mentionNames));
    out.push({ kind: 'link', text: url, href: url });
    last = start + url.length;
  }
  if (last < text.length) out.push(...splitMentions(text.slice(last), mentionNames));
  return out.filter((p) => p.text.length > 0);
}

export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Image types we preview inline (the server serves these without Content-Disposition: attachment). */
export function isPreviewableImage(contentType: string): boolean {
  return /^image\/(png|jpe?g|gif|webp|avif|bmp)$/i.test(contentType);
}

/**
 * An e-mail's HTML, wrapped for an `<iframe sandbox srcdoc>`: no scripts (sandbox), no remote loads
 * (CSP: tracking pixels stay dark), links open outside.
 */
export function emailSrcdoc(html: string): string {
  const csp = "default-src 'none'; img-src data: cid:; style-src 'unsafe-inline'; font-src data:";
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><base target="_blank"><style>body{font:14px/1.5 system-ui,sans-serif;color:#1c2230;margin:8px;word-wrap:break-word}img{max-width:100%;height:auto}</style></head><body>${html}</body></html>`;
}
