import { Inject, Injectable } from '@nestjs/common';
import type { Role } from '@parley/contracts';
import { AccessService, atLeast, ConversationStore, DomainEvents, type DomainEventMap } from '@parley/core';
import { Database } from '@parley/persistence';
import { LOGGER, type Logger } from '@parley/platform';
import { AgentAuth } from './agent-auth.service';
import { AgentsHub } from './agents-hub';
import type { AgentSocket, AgentsServerSideEvents, AnyAgentSocket } from './agents.types';
import { ConversationAudience } from './conversation-audience';
import { MembershipService } from './membership.service';
import { CONVERSATION_ROOM_PREFIX, rooms } from './rooms';
import { ViewersService } from './viewers.service';

/**
 * Follows changes of who may see what (a user's role, a team's members) on open sockets as they happen, on
 * every process: the actor each socket carries (it decides watch and typing), the rooms a role grants, and the
 * conversations that left someone's view. The periodic sweep stays as the safety net for missed messages.
 */
@Injectable()
export class AccessChanges {
  private readonly off: Array<() => void> = [];
  private readonly changed: Array<(socket: AgentSocket) => void> = [];

  constructor(
    private readonly hub: AgentsHub,
    private readonly events: DomainEvents,
    private readonly auth: AgentAuth,
    private readonly membership: MembershipService,
    private readonly audience: ConversationAudience,
    private readonly viewers: ViewersService,
    private readonly access: AccessService,
    private readonly store: ConversationStore,
    private readonly db: Database,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  start(): void {
    if (this.off.length) return;
    this.off.push(
      this.events.on('user.updated', (e) => this.userUpdated(e)),
      this.events.on('team.changed', (e) => this.teamChanged(e)),
    );
    if (!this.hub.clustered) return;
    const nsp = this.hub.nsp;
    nsp.on('parley:user-updated', (m) => { if (m.pid !== this.hub.pid) this.applyUser(m.workspaceId, m.userId, m.role, m.name); });
    nsp.on('parley:team-changed', (m) => {
      if (m.pid === this.hub.pid) return;
      this.audience.forgetTeam(m.teamId);
      for (const userId of m.left) this.localSocketsOf(m.workspaceId, userId).forEach((s) => this.notify(s));
    });
  }

  stop(): void {
    for (const off of this.off.splice(0)) off();
  }

  /** Per-socket caches of what a socket may read (the gateway's typing check) are dropped through this. */
  onChanged(fn: (socket: AgentSocket) => void): void { this.changed.push(fn); }

  /**
   * Conversations that sockets of a user watch but the user may no longer read: each leaves its room and the
   * user's views drop it (`conversation.removed`). By default every socket of the user on every process; with
   * `only`, that one local socket (a recovered session, which kept the rooms it had when it dropped).
   */
  async pruneWatched(workspaceId: string, userId: string, only?: AgentSocket): Promise<void> {
    const sockets: AnyAgentSocket[] = only ? [only] : await this.hub.nsp.in(rooms.user(userId)).fetchSockets();
    const watched = new Set<string>();
    for (const s of sockets) for (const r of s.rooms) if (r.startsWith(CONVERSATION_ROOM_PREFIX)) watched.add(r.slice(CONVERSATION_ROOM_PREFIX.length));
    if (!watched.size) return;
    const user = await this.db.users.findOne({ _id: userId }, { role: 1, workspaceId: 1, active: 1 }).lean().exec();
    if (!user || user.workspaceId !== workspaceId || !user.active) return; // deactivation drops the sockets anyway
    const v = await this.access.visibility({ workspaceId, userId, role: user.role });
    if (v.all) return;
    const convs = await this.store.repo.findByIds(workspaceId, [...watched]);
    const readable = new Set(convs.filter((c) => this.access.canSee(v, c)).map((c) => c._id));
    for (const id of watched) {
      if (readable.has(id)) continue;
      const room = rooms.conversation(id);
      if (only) {
        only.emit('conversation.removed', { conversationId: id });
        void only.leave(room);
      } else {
        this.hub.nsp.to(rooms.user(userId)).emit('conversation.removed', { conversationId: id });
        this.hub.nsp.in(rooms.user(userId)).socketsLeave(room);
      }
      this.viewers.refresh(id);
    }
  }

  private userUpdated(e: DomainEventMap['user.updated']): void {
    this.applyUser(e.workspaceId, e.userId, e.role, e.name);
    this.tellPeers('parley:user-updated', { pid: this.hub.pid, workspaceId: e.workspaceId, userId: e.userId, role: e.role, name: e.name });
    if (atLeast({ role: e.previousRole }, 'supervisor') && !atLeast({ role: e.role }, 'supervisor')) this.prune(e.workspaceId, e.userId);
  }

  private teamChanged(e: DomainEventMap['team.changed']): void {
    // Synchronously, before the request that changed the team answers: the next event already reaches the new members.
    this.audience.forgetTeam(e.teamId);
    const left = e.previousMemberIds.filter((id) => !e.memberIds.includes(id));
    this.tellPeers('parley:team-changed', { pid: this.hub.pid, workspaceId: e.workspaceId, teamId: e.teamId, left });
    for (const userId of left) {
      this.localSocketsOf(e.workspaceId, userId).forEach((s) => this.notify(s));
      this.prune(e.workspaceId, userId);
    }
  }

  /** This process's sockets of the user take the new role and name now; inbox rooms follow once looked up. */
  private applyUser(workspaceId: string, userId: string, role: Role, name: string): void {
    const local = this.localSocketsOf(workspaceId, userId);
    if (!local.length) return;
    const supervisors = rooms.supervisors(workspaceId);
    const actors = local.map((s) => {
      s.data.actor = { ...s.data.actor, role, name };
      // Joined or left at once: the next supervisor-only event already follows the new role.
      void (atLeast({ role }, 'supervisor') ? s.join(supervisors) : s.leave(supervisors));
      this.notify(s);
      return s.data.actor;
    });
    this.auth.roomsForMany(workspaceId, actors).then(async (desired) => {
      for (const [i, s] of local.entries()) {
        // A newer change got there first and reconciles for itself.
        if (s.data.actor === actors[i]) await this.membership.reconcileSocket(s, actors[i], desired.get(actors[i]));
      }
    }).catch((err: unknown) => this.log.warn({ err, userId }, 'realtime: could not move sockets after a role change'));
  }

  private prune(workspaceId: string, userId: string): void {
    this.pruneWatched(workspaceId, userId).catch((err: unknown) => this.log.warn({ err, userId }, 'realtime: could not drop conversations that left a view'));
  }

  /** Never throws: this process's own sockets are handled whether or not the others can be reached. */
  private tellPeers<E extends 'parley:user-updated' | 'parley:team-changed'>(event: E, payload: Parameters<AgentsServerSideEvents[E]>[0]): void {
    if (!this.hub.clustered) return;
    try {
      (this.hub.nsp.serverSideEmit as (ev: string, p: unknown) => boolean)(event, payload);
    } catch (err) {
      this.log.warn({ err, event }, 'realtime: could not reach the other processes; their sweep will catch up');
    }
  }

  private notify(socket: AgentSocket): void {
    for (const fn of this.changed) fn(socket);
  }

  private localSocketsOf(workspaceId: string, userId: string): AgentSocket[] {
    const ids = this.hub.nsp.adapter.rooms.get(rooms.user(userId));
    const out: AgentSocket[] = [];
    for (const id of ids ?? []) {
      const s = this.hub.nsp.sockets.get(id);
      if (s?.data.actor?.workspaceId === workspaceId) out.push(s);
    }
    return out;
  }
}
