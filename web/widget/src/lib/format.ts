import type { UiMessage, WidgetMessage } from './types';

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 102.4) / 10} KB`;
  return `${Math.round(bytes / 104_857.6) / 10} MB`;
}

export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

const URL_RE = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]}]/gi;

/**
 * Splits message text into plain runs and http(s) links, rendered as text nodes and <a> elements: nothing a
 * visitor or agent types is ever parsed as HTML.
 */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    const at = m.index ?? 0;
    if (at > last) parts.push({ kind: 'text', text: text.slice(last, at) });
    parts.push({ kind: 'link', text: m[0], href: m[0] });
    last = at + m[0].length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}

/**
 * Folds hub messages into what is on screen: a hub message replaces our pending copy (same clientId), a known
 * id is updated in place, and the list stays in time order.
 */
export function mergeMessages(current: readonly UiMessage[], incoming: readonly WidgetMessage[]): UiMessage[] {
  const out = current.slice();
  for (const m of incoming) {
    const byId = out.findIndex((x) => x.id === m.id);
    if (byId >= 0) { out[byId] = { ...m }; continue; }
    const byClient = m.clientId ? out.findIndex((x) => x.local && x.clientId === m.clientId) : -1;
    if (byClient >= 0) { out[byClient] = { ...m }; continue; }
    out.push({ ...m });
  }
  // Pending messages keep their place at the end; the hub's sort by time.
  const settled = out.filter((m) => !m.local).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  return [...settled, ...out.filter((m) => m.local)];
}

export const ALLOWED_EXTENSIONS = ['png', 'jpg', 'jpeg', 'gif', 'webp', 'pdf', 'txt', 'csv', 'log', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'odt', 'ods', 'odp', 'rtf'];
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_FILES = 5;
export const MAX_TEXT = 5000;

export function fileProblem(file: { name: string; size: number }): 'type' | 'size' | null {
  const ext = /\.([a-z0-9]{1,8})$/i.exec(file.name)?.[1]?.toLowerCase() ?? '';
  if (!ALLOWED_EXTENSIONS.includes(ext)) return 'type';
  if (file.size > MAX_FILE_BYTES) return 'size';
  return null;
}

export const isImage = (contentType: string) => /^image\/(png|jpeg|gif|webp)$/.test(contentType);
