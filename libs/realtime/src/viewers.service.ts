import { Inject, Injectable } from '@nestjs/common';
import { LOGGER, type Logger } from '@parley/platform';
import { AgentsHub } from './agents-hub';
import { rooms } from './rooms';

/** Behind several processes two refreshes can cross; a trailing check settles on the true state. */
const SETTLE_MS = 400;

/**
 * Who has a conversation open (collision warning): the users with a socket in `conv:<id>`, on any process.
 * Sent to that room whenever it changes.
 */
@Injectable()
export class ViewersService {
  private readonly lastSent = new Map<string, string>();
  private readonly settling = new Map<string, NodeJS.Timeout>();

  constructor(private readonly hub: AgentsHub, @Inject(LOGGER) private readonly log: Logger) {}

  async viewers(conversationId: string): Promise<string[]> {
    const sockets = await this.hub.nsp.in(rooms.conversation(conversationId)).fetchSockets();
    return [...new Set(sockets.map((s) => s.data.actor?.userId).filter((u): u is string => !!u))].sort();
  }

  /** Recompute and broadcast; never throws (callers are socket handlers). */
  refresh(conversationId: string): void {
    this.publish(conversationId, true).catch((err: unknown) => this.log.warn({ err, conversationId }, 'viewers refresh failed'));
    if (!this.hub.clustered) return;
    clearTimeout(this.settling.get(conversationId));
    this.settling.set(conversationId, setTimeout(() => {
      this.settling.delete(conversationId);
      this.publish(conversationId, false).catch((err: unknown) => this.log.warn({ err, conversationId }, 'viewers settle failed'));
    }, SETTLE_MS).unref());
  }

  private async publish(conversationId: string, always: boolean): Promise<void> {
    const userIds = await this.viewers(conversationId);
    const sig = userIds.join(',');
    if (!always && (this.lastSent.get(conversationId) ?? '') === sig) return;
    if (userIds.length) this.lastSent.set(conversationId, sig);
    else this.lastSent.delete(conversationId);
    this.hub.nsp.to(rooms.conversation(conversationId)).emit('viewers.updated', { conversationId, userIds });
  }

  stop(): void {
    for (const t of this.settling.values()) clearTimeout(t);
    this.settling.clear();
  }
}
