import { Injectable } from '@nestjs/common';
import type { RootFilterQuery } from 'mongoose';
import { Database } from '@parley/persistence';
import { atLeast, type Actor } from './actor';
import type { Conv } from './mappers';

export interface Visibility { all: boolean; inboxIds: string[]; teamIds: string[]; userId: string }

/**
 * Who may see which conversation: supervisors and admins the whole workspace; agents the inboxes they are
 * members of (directly or through the inbox's team), their teams' conversations, and what is assigned to them.
 */
@Injectable()
export class AccessService {
  constructor(private readonly db: Database) {}

  async visibility(actor: Pick<Actor, 'workspaceId' | 'userId' | 'role'>): Promise<Visibility> {
    if (atLeast(actor, 'supervisor')) return { all: true, inboxIds: [], teamIds: [], userId: actor.userId };
    return this.memberships(actor.workspaceId, actor.userId);
  }

  async memberships(workspaceId: string, userId: string): Promise<Visibility> {
    const teams = await this.db.teams.find({ workspaceId, memberIds: userId }, { _id: 1 }).lean().exec();
    const teamIds = teams.map((t) => t._id);
    const inboxes = await this.db.inboxes.find({ workspaceId, $or: [{ memberIds: userId }, { teamId: { $in: teamIds } }] }, { _id: 1 }).lean().exec();
    return { all: false, inboxIds: inboxes.map((i) => i._id), teamIds, userId };
  }

  filter(v: Visibility): RootFilterQuery<Conv> {
    if (v.all) return {};
    return { $or: [{ inboxId: { $in: v.inboxIds } }, { assigneeId: v.userId }, { teamId: { $in: v.teamIds } }] };
  }

  canSee(v: Visibility, c: Pick<Conv, 'inboxId' | 'assigneeId' | 'teamId'>): boolean {
    return v.all || v.inboxIds.includes(c.inboxId) || c.assigneeId === v.userId || (!!c.teamId && v.teamIds.includes(c.teamId));
  }
}
