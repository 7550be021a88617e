import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Visitor tokens are signed by a per-inbox key, so a visitor id (which agents see as the contact's web chat
 * identity) is not a credential: holding the id without the signature gives nothing.
 *   anonymous: vt_a.<base64url(visitorId)>.<sig>    verified: vt_i.<base64url(identity.id)>.<sig>
 * A verified token is only honoured together with a matching verified identity, so a logged-out visitor on a
 * shared computer never inherits the previous user's conversation.
 */
export type VisitorKind = 'a' | 'i';
export interface VisitorClaim { kind: VisitorKind; visitorId: string }

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const unb64 = (s: string) => Buffer.from(s, 'base64url').toString('utf8');

function mac(key: Buffer, parts: string[]): string {
  return createHmac('sha256', key).update(parts.join('\n')).digest('base64url');
}

export function safeEqualStrings(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function newAnonymousVisitorId(): string {
  return `v${randomBytes(12).toString('base64url')}`;
}

export function signVisitorToken(key: Buffer, inboxId: string, claim: VisitorClaim): string {
  const id = b64(claim.visitorId);
  return `vt_${claim.kind}.${id}.${mac(key, ['visitor', inboxId, claim.kind, claim.visitorId])}`;
}

export function verifyVisitorToken(key: Buffer, inboxId: string, token: unknown): VisitorClaim | null {
  if (typeof token !== 'string' || token.length > 600) return null;
  const m = /^vt_([ai])\.([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return null;
  const kind = m[1] as VisitorKind;
  const visitorId = unb64(m[2]);
  if (!visitorId || b64(visitorId) !== m[2]) return null;
  return safeEqualStrings(m[3], mac(key, ['visitor', inboxId, kind, visitorId])) ? { kind, visitorId } : null;
}

/** CONTRACT.md: identity.hash = lower-case hex HMAC-SHA256 of identity.id keyed by the inbox's identitySecret. */
export function identityHash(secret: string, id: string): string {
  return createHmac('sha256', secret).update(id).digest('hex');
}

export function identityHashValid(secret: string, id: string, hash: unknown): boolean {
  return typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash) && safeEqualStrings(hash, identityHash(secret, id));
}

/**
 * Attachment links a visitor can open from any site (an <img> cannot send headers). The expiry is rounded to
 * the day so a link stays stable, and cacheable, across reloads.
 */
const DAY_S = 86_400;
export function signFileUrl(key: Buffer, inboxId: string, attachmentId: string, nowMs = Date.now()): string {
  const exp = (Math.floor(nowMs / 1000 / DAY_S) + 2) * DAY_S;
  const sig = mac(key, ['file', inboxId, attachmentId, String(exp)]);
  return `/widget/files/${encodeURIComponent(inboxId)}/${encodeURIComponent(attachmentId)}?exp=${exp}&sig=${sig}`;
}

export function verifyFileUrl(key: Buffer, inboxId: string, attachmentId: string, exp: unknown, sig: unknown, nowMs = Date.now()): boolean {
  if (typeof exp !== 'string' || !/^\d{1,12}$/.test(exp) || typeof sig !== 'string') return false;
  if (Number(exp) * 1000 < nowMs) return false;
  return safeEqualStrings(sig, mac(key, ['file', inboxId, attachmentId, exp]));
}
