import { Injectable } from '@nestjs/common';
import type { UpdateQuery } from 'mongoose';
import { Database, isDuplicateKey, WorkspaceScopedRepository } from '@parley/persistence';
import { newId } from '@parley/platform';
import { DomainEvents } from './domain-events';
import { toSummary, type Conv } from './mappers';
import { notFound } from './errors';

const DAY = 86_400_000;

/**
 * The storage side of conversations shared by ingest and the agent-facing service: create, find the
 * (inbox, contact) current conversation through its slot, and update-then-broadcast.
 */
@Injectable()
export class ConversationStore {
  readonly repo: WorkspaceScopedRepository<Conv>;

  constructor(private readonly db: Database, private readonly events: DomainEvents) {
    this.repo = new WorkspaceScopedRepository<Conv>(db.conversations as never);
  }

  async get(workspaceId: string, id: string): Promise<Conv> {
    const c = await this.repo.findById(workspaceId, id);
    if (!c) throw notFound('conversation');
    return c;
  }

  /** Is this conversation still the one a new customer message belongs to (lifecycle rules of CONTRACT.md)? */
  continues(c: Conv, now: Date, reopenWindowDays: number): boolean {
    if (c.status !== 'resolved') return true;
    const resolvedAt = c.resolvedAt ?? c.updatedAt;
    return now.getTime() - new Date(resolvedAt).getTime() < reopenWindowDays * DAY;
  }

  /**
   * The (inbox, contact) conversation to use, or a new one. A compare-and-set on the slot document makes two
   * concurrent first messages land in one conversation.
   */
  async currentOrNew(args: {
    workspaceId: string; inboxId: string; channel: string; contactId: string; contactName: string; reopenWindowDays: number;
    subject?: string | null; initialStatus?: 'open' | 'resolved'; forceNew?: boolean; now: Date;
  }): Promise<{ conv: Conv; created: boolean }> {
    const slotId = `${args.inboxId}|${args.contactId}`;
    for (let attempt = 0; attempt < 5; attempt++) {
      const slot = await this.db.slots.findById(slotId).lean().exec();
      if (slot && !args.forceNew) {
        const c = await this.repo.findById(args.workspaceId, slot.conversationId);
        if (c && c.contactId === args.contactId && this.continues(c, args.now, args.reopenWindowDays)) return { conv: c, created: false };
      }
      const conv = await this.create({ ...args });
      try {
        if (!slot) await this.db.slots.create({ _id: slotId, workspaceId: args.workspaceId, conversationId: conv._id });
        else {
          const r = await this.db.slots.updateOne({ _id: slotId, conversationId: slot.conversationId }, { $set: { conversationId: conv._id } }).exec();
          if (r.modifiedCount !== 1) throw Object.assign(new Error('slot moved'), { code: 11000 });
        }
        return { conv, created: true };
      } catch (e) {
        if (!isDuplicateKey(e)) throw e;
        await this.repo.deleteById(args.workspaceId, conv._id); // lost the race: use the winner's
      }
    }
    throw new Error('could not settle the current conversation');
  }

  /** Make a conversation the (inbox, contact) current one, e.g. after an email thread matched an older one. */
  async pointSlot(workspaceId: string, inboxId: string, contactId: string, conversationId: string): Promise<void> {
    await this.db.slots.updateOne({ _id: `${inboxId}|${contactId}` }, { $set: { conversationId, workspaceId } }, { upsert: true }).exec();
  }

  async create(args: { workspaceId: string; inboxId: string; channel: string; contactId: string; contactName: string; subject?: string | null; initialStatus?: 'open' | 'resolved'; now: Date; assigneeId?: string | null; teamId?: string | null }): Promise<Conv> {
    const status = args.initialStatus ?? 'open';
    return this.repo.insert(args.workspaceId, {
      _id: newId(), inboxId: args.inboxId, channel: args.channel, contactId: args.contactId, contactName: args.contactName,
      status, priority: 'none', assigneeId: args.assigneeId ?? null, teamId: args.teamId ?? null, labels: [], subject: args.subject ?? null,
      lastMessage: null, lastActivityAt: args.now, unreadCount: 0, readBy: {}, waitingSince: null, snoozeUntil: null,
      resolvedAt: status === 'resolved' ? args.now : null, pastAssigneeIds: [], pastTeamIds: [], meta: {}, terms: [], createdAt: args.now, updatedAt: args.now,
    });
  }

  /** Update one conversation and tell everyone who may see it. */
  async update(workspaceId: string, id: string, update: UpdateQuery<Conv>, opts: { silent?: boolean; previous?: Conv } = {}): Promise<Conv> {
    const $set = { ...((update.$set as object) ?? {}), updatedAt: new Date() };
    const c = await this.repo.updateById(workspaceId, id, { ...update, $set });
    if (!c) throw notFound('conversation');
    if (!opts.silent) {
      this.events.emit('conversation.updated', {
        workspaceId, conversation: toSummary(c), previousAssigneeId: opts.previous?.assigneeId ?? null, previousInboxId: opts.previous?.inboxId,
        previousTeamId: opts.previous?.teamId ?? null,
      });
    }
    return c;
  }

  emitCreated(c: Conv): void {
    this.events.emit('conversation.created', { workspaceId: c.workspaceId, conversation: toSummary(c) });
  }
}
