import { Inject, Injectable } from '@nestjs/common';
import type { ChannelRuntime, InboxRef, ResolvedInbox } from '@parley/channel-kit';
import type { ChannelKind } from '@parley/contracts';
import { Database, isDuplicateKey } from '@parley/persistence';
import { APP_CONFIG, type AppConfig } from '@parley/platform';
import { DomainEvents } from './domain-events';
import { InboxService, type InboxRow } from './inbox.service';
import { PresenceRegistry } from './presence.registry';

/** The hub as channels see it (channel-kit's ChannelRuntime port). */
@Injectable()
export class ChannelRuntimeService implements ChannelRuntime {
  constructor(
    private readonly db: Database,
    private readonly inboxes: InboxService,
    private readonly events: DomainEvents,
    private readonly presence: PresenceRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private resolved<C>(row: InboxRow): ResolvedInbox<C> {
    return {
      inbox: this.inboxes.ref(row), config: this.inboxes.fullConfig(row) as C,
      businessHours: (row.businessHours as ResolvedInbox['businessHours']) ?? null, memberIds: row.memberIds ?? [],
    };
  }

  async getInbox<C>(inboxId: string): Promise<ResolvedInbox<C> | null> {
    const row = await this.db.inboxes.findById(inboxId).lean<InboxRow>().exec();
    return row && row.active ? this.resolved<C>(row) : null;
  }

  async listInboxes<C>(kind: ChannelKind): Promise<Array<ResolvedInbox<C>>> {
    const rows = await this.db.inboxes.find({ channel: kind, active: true }).lean<InboxRow[]>().exec();
    return rows.map((r) => this.resolved<C>(r));
  }

  onInboxChanged(listener: (inboxId: string, kind: ChannelKind) => void): () => void {
    return this.events.on('inbox.changed', (e) => listener(e.inboxId, e.channel as ChannelKind));
  }

  async reportHealth(inbox: InboxRef, health: { ok: boolean; error?: string }): Promise<void> {
    await this.inboxes.setHealth(inbox.workspaceId, inbox.id, health);
  }

  async getState<T>(inbox: InboxRef, key: string): Promise<T | null> {
    const row = await this.db.channelState.findById(`${inbox.id}:${key}`).lean().exec();
    return (row?.value as T) ?? null;
  }

  async setState<T>(inbox: InboxRef, key: string, value: T): Promise<void> {
    await this.db.channelState.updateOne({ _id: `${inbox.id}:${key}` }, { $set: { workspaceId: inbox.workspaceId, value, updatedAt: new Date() } }, { upsert: true }).exec();
  }

  /** A lease is a document with a deterministic _id: the insert or the conditional take-over decides. */
  async acquireLease(inbox: InboxRef, name: string, holder: string, ttlMs: number): Promise<boolean> {
    const _id = `${inbox.id}:${name}`;
    const now = new Date();
    const expiresAt = new Date(now.getTime() + ttlMs);
    const cur = await this.db.leases.findById(_id).lean().exec();
    if (!cur) {
      try {
        await this.db.leases.create({ _id, workspaceId: inbox.workspaceId, holder, expiresAt });
        return true;
      } catch (e) {
        if (isDuplicateKey(e)) return false;
        throw e;
      }
    }
    if (cur.holder !== holder && cur.expiresAt > now) return false;
    const r = await this.db.leases.updateOne({ _id, holder: cur.holder, expiresAt: cur.expiresAt }, { $set: { holder, expiresAt } }).exec();
    return r.modifiedCount === 1;
  }

  async releaseLease(inbox: InboxRef, name: string, holder: string): Promise<void> {
    await this.db.leases.deleteOne({ _id: `${inbox.id}:${name}`, holder }).exec();
  }

  async availableAgents(inbox: InboxRef): Promise<Array<{ id: string; name: string; phone?: string | null }>> {
    const row = await this.db.inboxes.findById(inbox.id).lean<InboxRow>().exec();
    if (!row) return [];
    const teamMembers = row.teamId ? (await this.db.teams.findById(row.teamId).lean().exec())?.memberIds ?? [] : [];
    const ids = [...new Set([...(row.memberIds ?? []), ...teamMembers])];
    const users = await this.db.users.find({ workspaceId: inbox.workspaceId, _id: { $in: ids }, active: true }).lean().exec();
    return users.filter((u) => this.presence.statusOf(inbox.workspaceId, u._id) === 'online').map((u) => ({ id: u._id, name: u.name, phone: u.phone ?? null }));
  }

  publicUrl(): string { return this.config.publicUrl; }
  allowPrivateUrls(): boolean { return this.config.allowPrivateUrls; }
}
