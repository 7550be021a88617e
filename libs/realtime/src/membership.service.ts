import { Injectable } from '@nestjs/common';
import { atLeast, type Actor } from '@parley/core';
import { Database } from '@parley/persistence';
import { AgentAuth } from './agent-auth.service';
import { AgentsHub } from './agents-hub';
import type { AgentSocket } from './agents.types';
import { INBOX_ROOM_PREFIX, rooms, SUPERVISORS_ROOM_PREFIX } from './rooms';

/** Rooms granted by who the user is (not by what they watch): recomputed when that may have changed. */
const isAccessRoom = (room: string) => room.startsWith(INBOX_ROOM_PREFIX) || room.startsWith(SUPERVISORS_ROOM_PREFIX)
  || room.startsWith('ws:') || room.startsWith('user:') || room.startsWith('token:');

/** Keeps sockets' rooms in line with inbox membership and role. */
@Injectable()
export class MembershipService {
  constructor(private readonly hub: AgentsHub, private readonly auth: AgentAuth, private readonly db: Database) {}

  /** An inbox's members changed: move the workspace's sockets, on every process, in or out of its room. */
  async reconcileInbox(workspaceId: string, inboxId: string): Promise<void> {
    const inbox = await this.db.inboxes.findOne({ _id: inboxId, workspaceId }, { memberIds: 1 }).lean().exec();
    const members = new Set(inbox?.memberIds ?? []);
    const room = rooms.inbox(inboxId);
    const sockets = await this.hub.nsp.in(rooms.workspace(workspaceId)).fetchSockets();
    for (const s of sockets) {
      const actor = s.data.actor;
      if (!actor) continue;
      const should = members.has(actor.userId) && !atLeast(actor, 'supervisor');
      if (should && !s.rooms.has(room)) s.join(room);
      else if (!should && s.rooms.has(room)) s.leave(room);
    }
  }

  /** One local socket: its access rooms as its (fresh) actor allows now. */
  async reconcileSocket(socket: AgentSocket, actor: Actor, desired?: string[]): Promise<void> {
    const want = new Set(desired ?? (await this.auth.roomsFor(actor)));
    if (!socket.connected) return;
    for (const r of [...socket.rooms]) if (isAccessRoom(r) && !want.has(r)) void socket.leave(r);
    void socket.join([...want]);
  }
}
