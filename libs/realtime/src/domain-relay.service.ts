import { Inject, Injectable } from '@nestjs/common';
import { ConversationStore, DomainEvents, PresenceRegistry, type DomainEventMap } from '@parley/core';
import { LOGGER, type Logger } from '@parley/platform';
import { AgentsHub } from './agents-hub';
import { ConversationAudience } from './conversation-audience';
import { MembershipService } from './membership.service';
import { rooms } from './rooms';
import { ViewersService } from './viewers.service';

/**
 * Domain events → `/agents` client events, each to the union of rooms that may see it in one emit (Socket.IO
 * sends once per socket however many of those rooms it is in). Events of one conversation keep their order.
 */
@Injectable()
export class DomainRelay {
  private readonly off: Array<() => void> = [];
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly hub: AgentsHub,
    private readonly events: DomainEvents,
    private readonly audience: ConversationAudience,
    private readonly membership: MembershipService,
    private readonly viewers: ViewersService,
    private readonly presence: PresenceRegistry,
    private readonly store: ConversationStore,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  start(): void {
    if (this.off.length) return;
    const nsp = this.hub.nsp;
    this.off.push(
      this.events.on('conversation.created', ({ workspaceId, conversation }) => this.serial(conversation.id, async () => {
        nsp.to(await this.audience.rooms(workspaceId, conversation)).emit('conversation.created', { conversation });
      })),
      this.events.on('conversation.updated', (e) => this.serial(e.conversation.id, () => this.conversationUpdated(e))),
      this.events.on('message.created', ({ workspaceId, conversation, message }) => this.serial(conversation.id, async () => {
        nsp.to(await this.audience.rooms(workspaceId, conversation)).emit('message.created', { message });
      })),
      this.events.on('message.updated', ({ workspaceId, conversation, message }) => this.serial(conversation.id, async () => {
        nsp.to(await this.audience.rooms(workspaceId, conversation)).emit('message.updated', { message });
      })),
      this.events.on('notification.created', ({ userId, notification }) => {
        nsp.to(rooms.user(userId)).emit('notification', notification);
      }),
      this.events.on('presence.updated', ({ workspaceId, userId, status }) => {
        nsp.to(rooms.workspace(workspaceId)).emit('presence.updated', { userId, status });
      }),
      // Agents' typing is relayed by the gateway itself; this carries the customer's (web chat and the like).
      this.events.on('conversation.typing', (e) => {
        if (e.who.type !== 'contact') return;
        this.serial(e.conversationId, () => this.contactTyping(e));
      }),
      this.events.on('user.deactivated', ({ workspaceId, userId }) => {
        this.presence.drop(workspaceId, userId);
        nsp.in(rooms.user(userId)).disconnectSockets(true);
      }),
      this.events.on('token.revoked', ({ tokenId }) => {
        nsp.in(rooms.token(tokenId)).disconnectSockets(true);
      }),
      this.events.on('inbox.changed', async ({ workspaceId, inboxId }) => {
        this.audience.forgetInbox(inboxId);
        if (this.hub.clustered) nsp.serverSideEmit('parley:inbox-changed', { pid: this.hub.pid, workspaceId, inboxId });
        await this.membership.reconcileInbox(workspaceId, inboxId);
      }),
    );
    if (this.hub.clustered) nsp.on('parley:inbox-changed', (m) => { if (m.pid !== this.hub.pid) this.audience.forgetInbox(m.inboxId); });
  }

  stop(): void {
    for (const off of this.off.splice(0)) off();
  }

  private async conversationUpdated(e: DomainEventMap['conversation.updated']): Promise<void> {
    const nsp = this.hub.nsp;
    const { workspaceId, conversation } = e;
    const now = await this.audience.rooms(workspaceId, conversation);
    nsp.to(now).emit('conversation.updated', { conversation });
    // Whoever saw it only through its previous assignee, inbox or team has lost it (e.g. reassigned away).
    const previous = { assigneeId: e.previousAssigneeId, inboxId: e.previousInboxId, teamId: e.previousTeamId };
    const before = await this.audience.previousRooms(workspaceId, previous, conversation);
    if (!before.length) return;
    nsp.to(before).except(now).emit('conversation.removed', { conversationId: conversation.id });
    nsp.in(before).except(now).socketsLeave(rooms.conversation(conversation.id));
    this.viewers.refresh(conversation.id);
  }

  private async contactTyping(e: DomainEventMap['conversation.typing']): Promise<void> {
    const c = await this.store.repo.findById(e.workspaceId, e.conversationId);
    if (!c) return;
    const to = await this.audience.rooms(e.workspaceId, { id: c._id, inboxId: c.inboxId, assigneeId: c.assigneeId ?? null, teamId: c.teamId ?? null });
    this.hub.nsp.to(to).emit('typing', { conversationId: e.conversationId, who: e.who, isTyping: e.isTyping });
  }

  private serial(key: string, task: () => Promise<void>): void {
    const run = (this.chains.get(key) ?? Promise.resolve()).then(task).catch((err: unknown) => {
      this.log.error({ err, conversationId: key }, 'realtime: could not relay a domain event');
    });
    this.chains.set(key, run);
    void run.then(() => { if (this.chains.get(key) === run) this.chains.delete(key); });
  }
}
