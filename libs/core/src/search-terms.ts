/**
 * Search without text indexes (DESIGN §3): words lower-cased with accents folded, CJK split into bigrams.
 * Written into a `terms` array with a multikey index; a query matches documents that have all its terms.
 */
const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]/;

export function tokenize(text: string): string[] {
  const folded = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const out = new Set<string>();
  for (const chunk of folded.split(/[^\p{L}\p{N}@.+_-]+/u)) {
    if (!chunk) continue;
    if (CJK.test(chunk)) {
      const chars = [...chunk].filter((c) => CJK.test(c));
      if (chars.length === 1) out.add(chars[0]);
      for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i] + chars[i + 1]);
      const rest = [...chunk].filter((c) => !CJK.test(c)).join('');
      if (rest.length > 1) out.add(rest);
      continue;
    }
    const w = chunk.replace(/^[.+_-]+|[.+_-]+$/g, '');
    if (w.length === 0) continue;
    out.add(w);
    // Email addresses and dotted names are also findable by their parts.
    for (const part of w.split(/[@.+_-]+/)) if (part.length > 1) out.add(part);
  }
  return [...out];
}

/** Terms plus prefixes (from 2 characters), for names and addresses that people type partially. */
export function tokenizeWithPrefixes(text: string): string[] {
  const out = new Set<string>();
  for (const t of tokenize(text)) {
    out.add(t);
    if (!CJK.test(t)) for (let i = 2; i < Math.min(t.length, 24); i++) out.add(t.slice(0, i));
  }
  return [...out];
}

/** Terms of a search query: every one must match. */
export function queryTerms(q: string): string[] {
  return tokenize(q).slice(0, 8);
}

export function mergeTerms(existing: string[], add: string[], cap = 600): string[] {
  if (add.length === 0) return existing;
  const set = new Set(existing);
  for (const t of add) { if (set.size >= cap) break; set.add(t); }
  return [...set];
}
