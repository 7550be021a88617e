import { randomBytes } from 'node:crypto';

let last = 0;
let seq = 0;
/**
 * Time-ordered string ids (base36 milliseconds + counter + randomness): they sort by creation, which keeps
 * cursor pagination simple, and they are stable strings on MongoDB and FerretDB alike.
 */
export function newId(): string {
  const now = Date.now();
  seq = now === last ? seq + 1 : 0;
  last = now;
  return now.toString(36).padStart(9, '0') + seq.toString(36).padStart(3, '0') + randomBytes(6).toString('hex');
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
