import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export const VISITOR_TEXT_MAX = 5_000;
export const VISITOR_MESSAGES_PER_MINUTE = 20;
export const VISITOR_UPLOADS_PER_MINUTE = 10;

/**
 * Per-visitor budgets. In memory per process: a visitor's socket stays on one process (sticky sessions are a
 * Socket.IO requirement anyway), so the budget holds where it matters.
 */
export class VisitorLimiter {
  private readonly limiter: RateLimiterMemory;
  constructor(perMinute: number) { this.limiter = new RateLimiterMemory({ points: perMinute, duration: 60 }); }

  /** Seconds to wait, or 0 when the action may go ahead (and was counted). */
  async take(key: string): Promise<number> {
    try {
      await this.limiter.consume(key);
      return 0;
    } catch (e) {
      if (e instanceof RateLimiterRes) return Math.max(1, Math.ceil(e.msBeforeNext / 1000));
      throw e;
    }
  }
}
