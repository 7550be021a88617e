import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { ConversationSummary, MessageDto } from '@parley/contracts';
import { ChannelQueryService, DomainEvents } from '@parley/core';
import { toVisitorMessage } from './visitor-message.mapper';
import { WidgetDirectory } from './widget-directory.service';
import { WidgetRooms } from './widget-rooms';

interface Cached<T> { at: number; value: T }
const CACHE_MS = 30_000;
const HOURS_CHECK_MS = 60_000;
const PRESENCE_DEBOUNCE_MS = 300;

/**
 * Domain events → the visitors they concern. Only plain public messages of the visitor's own conversation
 * cross over (never notes, activity lines or calls), and only an agent's reply typing, never a note's.
 * Agent replies themselves arrive through WebchatAdapter.send; here we relay the visitor's own messages (to
 * their other tabs) and status changes.
 */
@Injectable()
export class WidgetRelay implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('WidgetRelay');
  private readonly offs: Array<() => void> = [];
  private readonly visitorsOf = new Map<string, Cached<string[]>>();
  private readonly convs = new Map<string, Cached<{ inboxId: string; contactId: string; channel: string } | null>>();
  private readonly lastOnline = new Map<string, boolean>();
  private readonly presenceTimers = new Map<string, NodeJS.Timeout>();
  private hoursTimer: NodeJS.Timeout | null = null;

  constructor(private readonly events: DomainEvents, private readonly rooms: WidgetRooms, private readonly directory: WidgetDirectory, private readonly queries: ChannelQueryService) {}

  onModuleInit(): void {
    this.offs.push(
      this.events.on('message.created', (e) => this.message('message.created', e.workspaceId, e.conversation, e.message)),
      this.events.on('message.updated', (e) => this.message('message.updated', e.workspaceId, e.conversation, e.message)),
      this.events.on('conversation.typing', (e) => this.agentTyping(e)),
      this.events.on('presence.updated', (e) => this.presenceChanged(e.workspaceId)),
      this.events.on('inbox.changed', (e) => { if (e.channel === 'webchat') void this.recheck(e.inboxId, false); }),
    );
    // Opening and closing hours pass without any event: look again every minute for this process's visitors.
    this.hoursTimer = setInterval(() => { for (const id of this.rooms.localInboxIds()) void this.recheck(id, true); }, HOURS_CHECK_MS);
    this.hoursTimer.unref();
  }

  onModuleDestroy(): void {
    for (const off of this.offs.splice(0)) off();
    if (this.hoursTimer) clearInterval(this.hoursTimer);
    for (const t of this.presenceTimers.values()) clearTimeout(t);
  }

  private async visitorIds(workspaceId: string, inboxId: string, contactId: string): Promise<string[]> {
    const k = `${workspaceId}|${inboxId}|${contactId}`;
    const c = this.visitorsOf.get(k);
    if (c && Date.now() - c.at < CACHE_MS) return c.value;
    const value = await this.queries.identityValues(workspaceId, contactId, inboxId, 'webchat');
    if (this.visitorsOf.size > 5_000) this.visitorsOf.clear();
    this.visitorsOf.set(k, { at: Date.now(), value });
    return value;
  }

  private async message(event: 'message.created' | 'message.updated', workspaceId: string, conv: ConversationSummary, m: MessageDto): Promise<void> {
    if (conv.channel !== 'webchat' || m.kind !== 'message') return;
    // An agent's new reply reaches the visitor through the adapter's send, once it is actually sent.
    if (event === 'message.created' && m.direction === 'out') return;
    const w = await this.directory.inbox(conv.inboxId);
    if (!w) return;
    const visitors = await this.visitorIds(workspaceId, conv.inboxId, conv.contact.id);
    if (!visitors.length) return;
    const key = await this.directory.signingKey(w.inbox);
    const message = toVisitorMessage(m, conv.inboxId, key);
    if (message) this.rooms.emitToVisitors(conv.inboxId, visitors, event, { message });
  }

  private async agentTyping(e: { workspaceId: string; conversationId: string; inboxId: string; who: { type: 'user' | 'contact'; name: string }; isTyping: boolean; private?: boolean }): Promise<void> {
    if (e.who.type !== 'user' || e.private) return;
    const k = `${e.workspaceId}|${e.conversationId}`;
    let c = this.convs.get(k);
    if (!c || Date.now() - c.at >= CACHE_MS) {
      const conv = await this.queries.conversation(e.workspaceId, e.conversationId);
      if (this.convs.size > 5_000) this.convs.clear();
      c = { at: Date.now(), value: conv ? { inboxId: conv.inboxId, contactId: conv.contactId, channel: conv.channel } : null };
      this.convs.set(k, c);
    }
    if (!c.value || c.value.channel !== 'webchat') return;
    const visitors = await this.visitorIds(e.workspaceId, c.value.inboxId, c.value.contactId);
    this.rooms.emitToVisitors(c.value.inboxId, visitors, 'typing', { isTyping: e.isTyping, who: { type: 'user', name: e.who.name } });
  }

  /** Presence comes in bursts (a console opening several tabs): settle, then tell every visitor of the workspace. */
  private presenceChanged(workspaceId: string): void {
    clearTimeout(this.presenceTimers.get(workspaceId));
    this.presenceTimers.set(workspaceId, setTimeout(() => {
      this.presenceTimers.delete(workspaceId);
      void this.directory.inboxesOf(workspaceId)
        .then((inboxes) => Promise.all(inboxes.map((w) => this.recheck(w.inbox.id, false))))
        .catch((err: unknown) => this.log.warn(`availability update failed: ${String(err)}`));
    }, PRESENCE_DEBOUNCE_MS).unref());
  }

  /**
   * Emit availability when it changed. An event seen here (presence, inbox change) goes through the adapter to
   * every process; the hours check runs on each process for its own visitors only, so it stays local.
   */
  async recheck(inboxId: string, localOnly: boolean): Promise<void> {
    const w = await this.directory.inbox(inboxId);
    if (!w) return;
    const online = await this.directory.online(w);
    if (localOnly && this.lastOnline.get(inboxId) === online) return;
    this.lastOnline.set(inboxId, online);
    this.rooms.emitToInbox(inboxId, 'availability', { online }, { localOnly });
  }
}
