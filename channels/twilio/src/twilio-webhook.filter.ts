import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';

/**
 * Keeps the webhook's own error codes (403 `bad_signature`, CONTRACT.md) instead of a generic code derived from
 * the status: scoped to the Twilio controller, it runs before any global filter. Other errors pass through.
 */
@Catch(HttpException)
export class TwilioWebhookExceptionFilter implements ExceptionFilter {
  catch(err: HttpException, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    const status = err.getStatus();
    const r = err.getResponse();
    const own = typeof r === 'object' && r !== null ? (r as { error?: unknown; message?: unknown }) : {};
    const error = typeof own.error === 'string' && own.error ? own.error : status === 403 ? 'forbidden' : status === 404 ? 'not_found' : 'invalid_request';
    const message = typeof own.message === 'string' ? own.message : err.message;
    res.status(status).json({ error, message });
  }
}
