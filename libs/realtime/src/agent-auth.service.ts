import { Injectable } from '@nestjs/common';
import type { Role } from '@parley/contracts';
import { TokenService } from '@parley/auth';
import { atLeast, type Actor } from '@parley/core';
import { Database } from '@parley/persistence';
import { rooms } from './rooms';

/** Who an `/agents` socket belongs to, and which rooms that person may be in right now. */
@Injectable()
export class AgentAuth {
  constructor(private readonly tokens: TokenService, private readonly db: Database) {}

  async authenticate(token: unknown): Promise<Actor | null> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 512) return null;
    return this.tokens.resolve(token);
  }

  /**
   * The socket's actor as of now, or null when its token was revoked or expired or its user deactivated.
   * Recovered sockets and the periodic sweep only have the token's id (the token itself is never kept).
   */
  async revalidate(actor: Actor): Promise<Actor | null> {
    const t = await this.db.tokens.findById(actor.tokenId).lean().exec();
    if (!t || t.revokedAt || (t.expiresAt && new Date(t.expiresAt).getTime() <= Date.now())) return null;
    const user = await this.db.users.findOne({ _id: t.userId, workspaceId: t.workspaceId }).lean().exec();
    if (!user || !user.active) return null;
    return { ...actor, role: user.role as Role, name: user.name, isOwner: !!user.isOwner };
  }

  /**
   * Supervisors and admins see the workspace; agents their inboxes' rooms (direct membership only: what
   * they see through a team reaches them in their user room, so a team change needs no room change).
   */
  async roomsFor(actor: Actor): Promise<string[]> {
    const out = [rooms.workspace(actor.workspaceId), rooms.user(actor.userId), rooms.token(actor.tokenId)];
    if (atLeast(actor, 'supervisor')) return [...out, rooms.supervisors(actor.workspaceId)];
    const inboxes = await this.db.inboxes.find({ workspaceId: actor.workspaceId, memberIds: actor.userId }, { _id: 1 }).lean().exec();
    return [...out, ...inboxes.map((i) => rooms.inbox(i._id))];
  }
}
