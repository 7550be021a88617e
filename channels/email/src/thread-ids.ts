import { createHash } from 'node:crypto';

/**
 * Email threading identifiers. Every outbound Message-ID carries the conversation it belongs to:
 *   <parley.<conversationId>.<nonce>@<domain of the inbox address>>
 * so any reply whose In-Reply-To/References mention one of our messages is placed without a lookup, even if the
 * customer's client dropped everything but one id.
 */

const TOKEN_RE = /^<parley\.([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9]{6,64})@[^<>\s@]+>$/i;
const CONVERSATION_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;
/** The core looks up at most 20 references; keep the 20 most relevant rather than let it cut the parent off. */
const MAX_REFERENCES = 20;

/** `<local@domain>` or null: tolerant of missing brackets and surrounding junk. */
export function normalizeMessageId(raw: string | undefined | null): string | null {
  if (!raw) return null;
  const ids = extractMessageIds(raw);
  return ids[0] ?? null;
}

/**
 * All Message-IDs in a header value, in order, duplicates removed. Accepts `<a@b> <c@d>`, comma separated lists,
 * comments (`<a@b> (John's message)`) and a bare `a@b`.
 */
export function extractMessageIds(value: string | string[] | undefined | null): string[] {
  if (!value) return [];
  const text = Array.isArray(value) ? value.join(' ') : value;
  const out: string[] = [];
  const bracketed = text.match(/<[^<>\s]+>/g);
  if (bracketed) {
    for (const id of bracketed) if (id.includes('@') || id.length > 2) out.push(id);
  } else {
    for (const part of text.split(/[\s,]+/)) if (/^[^\s<>()]+@[^\s<>()]+$/.test(part)) out.push(`<${part}>`);
  }
  return [...new Set(out)];
}

/**
 * What the inbound mail points back to: In-Reply-To first (the direct parent), then References newest first.
 * Capped, keeping the most recent ids: long Outlook chains can carry hundreds.
 */
export function collectReferences(inReplyTo: string | undefined, references: string | string[] | undefined): string[] {
  const parents = extractMessageIds(inReplyTo);
  const chain = extractMessageIds(references).reverse();
  return [...new Set([...parents, ...chain])].slice(0, MAX_REFERENCES);
}

export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at >= 0 ? address.slice(at + 1).toLowerCase() : address.toLowerCase();
}

/**
 * Our Message-ID for an outbound message. The nonce derives from the delivery id, so a retry after an ambiguous
 * SMTP failure sends the same Message-ID and the recipient's client shows one message, not two.
 */
export function buildMessageId(conversationId: string, deliveryId: string, inboxAddress: string): string {
  if (!CONVERSATION_ID_RE.test(conversationId)) throw new Error(`conversation id "${conversationId}" cannot be carried in a Message-ID`);
  const nonce = createHash('sha256').update(`parley-delivery:${deliveryId}`).digest('hex').slice(0, 24);
  return `<parley.${conversationId}.${nonce}@${domainOf(inboxAddress)}>`;
}

/** The conversation id carried by one of our Message-IDs, or null. */
export function conversationIdFromMessageId(messageId: string): string | null {
  const m = TOKEN_RE.exec(messageId.trim());
  return m ? (m[1]) : null;
}

/** `support+c<conversationId>@example.com` → conversationId, when the local part matches the inbox address. */
export function conversationIdFromAddress(address: string, inboxAddress: string): string | null {
  const [local, domain] = splitAddress(address.toLowerCase());
  const [inboxLocal, inboxDomain] = splitAddress(inboxAddress.toLowerCase());
  if (!local || domain !== inboxDomain) return null;
  const prefix = `${inboxLocal}+c`;
  if (!local.startsWith(prefix)) return null;
  // Lower-cased above for the comparison; re-read the id from the original to keep its case.
  const id = address.slice(prefix.length, address.lastIndexOf('@'));
  return CONVERSATION_ID_RE.test(id) ? id : null;
}

function splitAddress(a: string): [string, string] {
  const at = a.lastIndexOf('@');
  return at < 0 ? [a, ''] : [a.slice(0, at), a.slice(at + 1)];
}

/** `conv:<id>` from the first reference (newest first) or recipient address carrying our token. */
export function threadKeyFor(references: string[], recipients: string[], inboxAddress: string): string | undefined {
  for (const ref of references) {
    const id = conversationIdFromMessageId(ref);
    if (id) return `conv:${id}`;
  }
  for (const r of recipients) {
    const id = conversationIdFromAddress(r, inboxAddress);
    if (id) return `conv:${id}`;
  }
  return undefined;
}

/** The externalId of a mail without Message-ID: stable for the same bytes, so a re-fetch dedupes. */
export function hashExternalId(raw: Buffer): string {
  return `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

/** True for something worth putting in In-Reply-To/References (not our sha256: fallback ids). */
export function isMessageId(value: string): boolean {
  return /^<[^<>\s]+@[^<>\s]+>$/.test(value);
}
