import { Injectable } from '@nestjs/common';
import type { NotificationDto } from '@parley/contracts';
import { Database, WorkspaceScopedRepository, type NotificationDoc } from '@parley/persistence';
import { newId } from '@parley/platform';
import { DomainEvents } from './domain-events';
import { notFound } from './errors';

type Row = NotificationDoc & { _id: string };

@Injectable()
export class NotificationService {
  private readonly repo: WorkspaceScopedRepository<Row>;

  constructor(db: Database, private readonly events: DomainEvents) {
    this.repo = new WorkspaceScopedRepository<Row>(db.notifications as never);
  }

  async notify(workspaceId: string, userId: string, kind: 'mention' | 'assigned', conversationId: string, messageId: string | null = null): Promise<void> {
    const row = await this.repo.insert(workspaceId, { _id: newId(), userId, kind, conversationId, messageId, readAt: null, createdAt: new Date() });
    this.events.emit('notification.created', { workspaceId, userId, notification: { id: row._id, kind, conversationId, messageId } });
  }

  async list(workspaceId: string, userId: string, limit = 100): Promise<NotificationDto[]> {
    const rows = await this.repo.find(workspaceId, { userId }, { sort: { createdAt: -1 }, limit });
    return rows.map((r) => ({ id: r._id, kind: r.kind, conversationId: r.conversationId, messageId: r.messageId ?? null, readAt: r.readAt?.toISOString() ?? null, createdAt: r.createdAt.toISOString() }));
  }

  async markRead(workspaceId: string, userId: string, id: string): Promise<void> {
    const r = await this.repo.update(workspaceId, { _id: id, userId }, { $set: { readAt: new Date() } });
    if (!r) throw notFound('notification');
  }
}
