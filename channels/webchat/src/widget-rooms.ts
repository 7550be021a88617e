import { Injectable } from '@nestjs/common';
import type { Namespace } from 'socket.io';

/**
 * The /widget namespace as the rest of the channel sees it. Everything goes through namespace rooms (never a
 * socket object we hold), so with a Redis adapter a visitor connected to another API process gets it too.
 *   visitor:<inboxId>:<visitorId>  every tab of one visitor (visitor ids are scoped to their inbox)
 *   widget:<inboxId>               every visitor of an inbox (availability)
 */
@Injectable()
export class WidgetRooms {
  private nsp: Namespace | null = null;

  attach(nsp: Namespace): void { this.nsp = nsp; }
  get namespace(): Namespace | null { return this.nsp; }

  static visitor(inboxId: string, visitorId: string): string { return `visitor:${inboxId}:${visitorId}`; }
  static inbox(inboxId: string): string { return `widget:${inboxId}`; }

  emitToVisitors(inboxId: string, visitorIds: readonly string[], event: string, payload: unknown): void {
    if (!this.nsp || visitorIds.length === 0) return;
    this.nsp.to(visitorIds.map((v) => WidgetRooms.visitor(inboxId, v))).emit(event, payload);
  }

  emitToInbox(inboxId: string, event: string, payload: unknown, opts: { localOnly?: boolean } = {}): void {
    if (!this.nsp) return;
    (opts.localOnly ? this.nsp.local : this.nsp).to(WidgetRooms.inbox(inboxId)).emit(event, payload);
  }

  /** Resolves with how many visitor sockets confirmed receipt within `timeoutMs` (0 when none is connected). */
  pushWithAck(inboxId: string, visitorIds: readonly string[], event: string, payload: unknown, timeoutMs: number): Promise<number> {
    const nsp = this.nsp;
    if (!nsp || visitorIds.length === 0) return Promise.resolve(0);
    return new Promise((resolve) => {
      nsp.to(visitorIds.map((v) => WidgetRooms.visitor(inboxId, v))).timeout(timeoutMs).emit(event, payload, (_err: Error | null, responses: unknown[] = []) => {
        // A timeout still carries the answers that arrived: one confirmed tab is enough for "delivered".
        resolve(Array.isArray(responses) ? responses.length : 0);
      });
    });
  }

  /** Ids of the inboxes with visitors connected to this process. */
  localInboxIds(): string[] {
    if (!this.nsp) return [];
    return [...this.nsp.adapter.rooms.keys()].filter((r) => r.startsWith('widget:')).map((r) => r.slice('widget:'.length));
  }
}
