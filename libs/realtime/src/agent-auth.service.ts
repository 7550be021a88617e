import { Injectable } from '@nestjs/common';
import { TokenService } from '@parley/auth';
import { atLeast, type Actor } from '@parley/core';
import { Database } from '@parley/persistence';
import { rooms } from './rooms';

const BATCH = 200;

function roomsOf(actor: Actor, inboxIds: string[]): string[] {
  const out = [rooms.workspace(actor.workspaceId), rooms.user(actor.userId), rooms.token(actor.tokenId)];
  if (atLeast(actor, 'supervisor')) out.push(rooms.supervisors(actor.workspaceId));
  return [...out, ...inboxIds.map((id) => rooms.inbox(id))];
}

/** Who an `/agents` socket belongs to, and which rooms that person may be in right now. */
@Injectable()
export class AgentAuth {
  constructor(private readonly tokens: TokenService, private readonly db: Database) {}

  async authenticate(token: unknown): Promise<Actor | null> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 512) return null;
    return this.tokens.resolve(token);
  }

  /**
   * Sockets' actors as of now (by token id), null where the token was revoked or expired or the user
   * deactivated. Recovered sockets and the periodic sweep only have the token's id (the token itself is
   * never kept). Batched: the sweep must not hold the database for one query per socket.
   */
  async revalidate(actors: Actor[]): Promise<Map<string, Actor | null>> {
    const out = new Map<string, Actor | null>();
    const byToken = new Map(actors.map((a) => [a.tokenId, a]));
    const tokenIds = [...byToken.keys()];
    for (let i = 0; i < tokenIds.length; i += BATCH) {
      const chunk = tokenIds.slice(i, i + BATCH);
      const tokens = await this.db.tokens.find({ _id: { $in: chunk } }).lean().exec();
      const live = tokens.filter((t) => !t.revokedAt && !(t.expiresAt && new Date(t.expiresAt).getTime() <= Date.now()));
      const users = await this.db.users.find({ _id: { $in: [...new Set(live.map((t) => t.userId))] } }).lean().exec();
      const userById = new Map(users.map((u) => [u._id, u]));
      for (const id of chunk) out.set(id, null);
      for (const t of live) {
        const user = userById.get(t.userId);
        const actor = byToken.get(t._id);
        if (!actor || !user || !user.active || user.workspaceId !== t.workspaceId) continue;
        out.set(t._id, { ...actor, role: user.role, name: user.name, isOwner: !!user.isOwner });
      }
    }
    return out;
  }

  async revalidateOne(actor: Actor): Promise<Actor | null> {
    return (await this.revalidate([actor])).get(actor.tokenId) ?? null;
  }

  /**
   * Supervisors and admins see the workspace; agents their inboxes' rooms (direct membership only: what
   * they see through a team reaches them in their user room, so a team change needs no room change).
   */
  async roomsFor(actor: Actor): Promise<string[]> {
    if (atLeast(actor, 'supervisor')) return roomsOf(actor, []);
    const inboxes = await this.db.inboxes.find({ workspaceId: actor.workspaceId, memberIds: actor.userId }, { _id: 1 }).lean().exec();
    return roomsOf(actor, inboxes.map((i) => i._id));
  }

  /** The same for many actors of one workspace, with one query. */
  async roomsForMany(workspaceId: string, actors: Actor[]): Promise<Map<Actor, string[]>> {
    const inboxes = actors.some((a) => !atLeast(a, 'supervisor'))
      ? await this.db.inboxes.find({ workspaceId }, { _id: 1, memberIds: 1 }).lean().exec()
      : [];
    return new Map(actors.map((a) => [a, roomsOf(a, atLeast(a, 'supervisor') ? [] : inboxes.filter((i) => i.memberIds?.includes(a.userId)).map((i) => i._id))]));
  }
}
