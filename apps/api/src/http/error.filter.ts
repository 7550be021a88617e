import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from '@parley/core';
import { LOGGER, type Logger } from '@parley/platform';

const CODES: Record<number, string> = {
  400: 'invalid_request', 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found', 405: 'not_found', 409: 'conflict',
  413: 'too_large', 415: 'invalid_request', 422: 'not_deliverable', 429: 'rate_limited',
};

/** Every error leaves as CONTRACT.md's `{error, message}` body, never Nest's default shape. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly log: Logger) {}

  catch(err: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    const { status, body } = this.shape(err);
    if (status >= 500) this.log.error({ err }, 'unhandled error');
    res.status(status).json(body);
  }

  private shape(err: unknown): { status: number; body: { error: string; message: string; fields?: Record<string, string> } } {
    if (err instanceof DomainError) return { status: err.status, body: { error: err.code, message: err.message, ...(err.fields ? { fields: err.fields } : {}) } };
    const e = err as { type?: string; status?: number; statusCode?: number; message?: string };
    // body-parser errors
    if (e?.type === 'entity.too.large') return { status: 413, body: { error: 'too_large', message: 'request body is too large' } };
    if (e?.type === 'entity.parse.failed') return { status: 400, body: { error: 'invalid_request', message: 'request body is not valid JSON' } };
    if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported') return { status: 415, body: { error: 'invalid_request', message: e.message ?? 'unsupported encoding' } };
    if (err instanceof HttpException) {
      const status = err.getStatus();
      const r = err.getResponse();
      const message = typeof r === 'string' ? r : ((r as { message?: string | string[] }).message ?? err.message);
      // A thrower may name a more precise code of the contract (e.g. 403 bad_signature).
      const own = typeof r === 'object' && r && typeof (r as { error?: unknown }).error === 'string' && /^[a-z_]+$/.test((r as { error: string }).error) ? (r as { error: string }).error : null;
      return { status, body: { error: own ?? CODES[status] ?? (status >= 500 ? 'internal' : 'invalid_request'), message: Array.isArray(message) ? message.join('; ') : message } };
    }
    const status = e?.status ?? e?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) return { status, body: { error: CODES[status] ?? 'invalid_request', message: e.message ?? 'bad request' } };
    return { status: 500, body: { error: 'internal', message: 'something went wrong on our side' } };
  }
}
