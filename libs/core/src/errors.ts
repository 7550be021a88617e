/** Domain errors carry the public error code of CONTRACT.md; the API maps them to status + body. */
export class DomainError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly fields?: Record<string, string>) {
    super(message);
  }
}
export const notFound = (what = 'resource') => new DomainError(404, 'not_found', `${what} not found`);
export const forbidden = (message = 'you may not do this') => new DomainError(403, 'forbidden', message);
export const conflict = (message: string) => new DomainError(409, 'conflict', message);
export const invalid = (message: string, fields?: Record<string, string>) => new DomainError(400, 'invalid_request', message, fields);
export const notDeliverable = (message: string) => new DomainError(422, 'not_deliverable', message);
export const unauthenticated = (message = 'authentication required', code = 'unauthenticated') => new DomainError(401, code, message);
export const tooLarge = (message: string) => new DomainError(413, 'too_large', message);
export const rateLimited = (message: string) => new DomainError(429, 'rate_limited', message);
