import { createHmac, timingSafeEqual } from 'node:crypto';

/** X-Parley-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" keyed by the inbox token>. */
export function signPayload(secret: string, timestamp: number, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
