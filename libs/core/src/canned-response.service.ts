import { Injectable } from '@nestjs/common';
import type { CannedResponseDto } from '@parley/contracts';
import { Database, WorkspaceScopedRepository, type CannedResponseDoc } from '@parley/persistence';
import { newId } from '@parley/platform';
import { atLeast, type Actor } from './actor';
import { conflict, forbidden, notFound } from './errors';

type Row = CannedResponseDoc & { _id: string };

/** Personal responses belong to their owner; shared ones are managed by supervisors and admins. */
@Injectable()
export class CannedResponseService {
  private readonly repo: WorkspaceScopedRepository<Row>;
  constructor(db: Database) { this.repo = new WorkspaceScopedRepository<Row>(db.cannedResponses as never); }

  private dto = (r: Row): CannedResponseDto => ({ id: r._id, shortcut: r.shortcut, text: r.text, scope: r.scope as 'personal' | 'shared', ownerId: r.ownerId ?? null });

  async list(actor: Actor): Promise<CannedResponseDto[]> {
    const rows = await this.repo.find(actor.workspaceId, { $or: [{ scope: 'shared' }, { ownerId: actor.userId }] }, { sort: { shortcut: 1 } });
    return rows.map(this.dto);
  }

  async create(actor: Actor, input: { shortcut: string; text: string; scope: 'personal' | 'shared' }): Promise<CannedResponseDto> {
    if (input.scope === 'shared' && !atLeast(actor, 'supervisor')) throw forbidden('only supervisors and admins create shared responses');
    const shortcut = input.shortcut.trim().replace(/^\//, '').toLowerCase();
    const clash = await this.repo.findOne(actor.workspaceId, { shortcut, $or: [{ scope: 'shared' }, { ownerId: actor.userId }] });
    if (clash) throw conflict(`the shortcut /${shortcut} is taken`);
    const now = new Date();
    return this.dto(await this.repo.insert(actor.workspaceId, { _id: newId(), shortcut, text: input.text, scope: input.scope, ownerId: input.scope === 'personal' ? actor.userId : null, createdAt: now, updatedAt: now }));
  }

  private async editable(actor: Actor, id: string): Promise<Row> {
    const r = await this.repo.findById(actor.workspaceId, id);
    if (!r || (r.scope === 'personal' && r.ownerId !== actor.userId)) throw notFound('canned response');
    if (r.scope === 'shared' && !atLeast(actor, 'supervisor')) throw forbidden('only supervisors and admins edit shared responses');
    return r;
  }

  async patch(actor: Actor, id: string, patch: { shortcut?: string; text?: string }): Promise<CannedResponseDto> {
    await this.editable(actor, id);
    const set: Record<string, unknown> = { updatedAt: new Date() };
    if (patch.shortcut !== undefined) set.shortcut = patch.shortcut.trim().replace(/^\//, '').toLowerCase();
    if (patch.text !== undefined) set.text = patch.text;
    return this.dto((await this.repo.updateById(actor.workspaceId, id, { $set: set }))!);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.editable(actor, id);
    await this.repo.deleteById(actor.workspaceId, id);
  }
}
