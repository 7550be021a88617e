import { z } from 'zod';

const id = z.string().min(1).max(64).regex(/^[\w-]+$/, 'not an id');

/** Client → server payloads of CONTRACT.md ("Socket.IO /agents"), checked before anything is trusted. */
export const clientMessages = {
  'conversation.watch': z.object({ conversationId: id }),
  'conversation.unwatch': z.object({ conversationId: id }),
  typing: z.object({ conversationId: id, isTyping: z.boolean(), private: z.boolean().optional() }),
  'presence.set': z.object({ status: z.enum(['online', 'away', 'busy']) }),
} as const;

export type ClientMessage = keyof typeof clientMessages;
export type ClientPayload<K extends ClientMessage> = z.infer<(typeof clientMessages)[K]>;
export type AckResult = { ok: true } | { ok: false; error: string };
export type AckFn = (res: AckResult) => void;

/** Splits what arrived into payload and ack; a missing or malformed part makes it invalid. */
export function parseClientMessage<K extends ClientMessage>(name: K, args: unknown[]):
  | { ok: true; payload: ClientPayload<K>; ack: AckFn }
  | { ok: false; ack: AckFn | null } {
  const last = args.at(-1);
  const ack = typeof last === 'function' ? (last as AckFn) : null;
  if (!ack || args.length !== 2) return { ok: false, ack };
  const parsed = clientMessages[name].safeParse(args[0]);
  if (!parsed.success) return { ok: false, ack };
  return { ok: true, payload: parsed.data as ClientPayload<K>, ack };
}

/**
 * A token bucket per socket: a client that floods (a stuck typing loop) gets `rate_limited` instead of
 * costing a database read per event.
 */
export class TokenBucket {
  private tokens: number;
  private last = Date.now();
  constructor(private readonly capacity = 40, private readonly perSecond = 20) { this.tokens = capacity; }

  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
