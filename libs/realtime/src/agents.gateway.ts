import { Inject, OnApplicationShutdown } from '@nestjs/common';
import { OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import { PeopleService } from '@parley/auth';
import { ConversationService, DomainError, DomainEvents, PresenceRegistry, type Actor } from '@parley/core';
import { LOGGER, type Logger } from '@parley/platform';
import { AccessChanges } from './access-changes.service';
import { AgentAuth } from './agent-auth.service';
import { AgentsHub } from './agents-hub';
import type { AgentSocket, AgentSocketData, AgentsNamespace } from './agents.types';
import { parseClientMessage, TokenBucket, type AckResult, type ClientMessage, type ClientPayload } from './client-messages';
import { ConversationAudience, type ConversationRef } from './conversation-audience';
import { DomainRelay } from './domain-relay.service';
import { MembershipService } from './membership.service';
import { PresenceClusterService } from './presence-cluster.service';
import { CONVERSATION_ROOM_PREFIX, rooms } from './rooms';
import { ViewersService } from './viewers.service';

/**
 * Tokens expire without an event, and a cross-process message about a role or membership change can be lost:
 * a periodic check bounds how long a socket outlives either. PARLEY_REALTIME_SWEEP_MS shortens it for tests.
 */
const SWEEP_MS = Number(process.env.PARLEY_REALTIME_SWEEP_MS) > 0 ? Number(process.env.PARLEY_REALTIME_SWEEP_MS) : 30_000;
/** Typing arrives in bursts; one access check covers a burst. */
const TYPING_ACCESS_TTL_MS = 5_000;

type Refusal = Error & { data: { code: string; message: string } };
function refusal(code: string, message: string): Refusal {
  return Object.assign(new Error(message), { data: { code, message } });
}

/**
 * `/agents`: staff sockets with bearer-token auth (CONTRACT.md "Socket.IO /agents"). A socket joins only the
 * rooms its user may read; client events are validated and acknowledged `{ok:true}` / `{ok:false, error}`.
 */
@WebSocketGateway({ namespace: '/agents' })
export class AgentsGateway implements OnGatewayInit<AgentsNamespace>, OnApplicationShutdown {
  private readonly initialRooms = new WeakMap<AgentSocket, string[]>();
  private readonly typingAccess = new WeakMap<AgentSocket, Map<string, { conv: ConversationRef; at: number }>>();
  private sweeper: NodeJS.Timeout | null = null;
  private sweeping = false;

  constructor(
    private readonly hub: AgentsHub,
    private readonly auth: AgentAuth,
    private readonly membership: MembershipService,
    private readonly audience: ConversationAudience,
    private readonly viewers: ViewersService,
    private readonly relay: DomainRelay,
    private readonly cluster: PresenceClusterService,
    private readonly presence: PresenceRegistry,
    private readonly conversations: ConversationService,
    private readonly events: DomainEvents,
    private readonly accessChanges: AccessChanges,
    private readonly people: PeopleService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  afterInit(nsp: AgentsNamespace): void {
    this.hub.attach(nsp);
    this.guardRecovery(nsp);
    nsp.use((socket, next) => { this.admit(socket).then(() => next(), (err: Refusal) => next(err)); });
    nsp.on('connection', (socket) => this.onConnection(socket));
    this.relay.start();
    this.accessChanges.onChanged((socket) => this.typingAccess.delete(socket));
    this.accessChanges.start();
    this.cluster.start();
    this.sweeper = setInterval(() => { void this.sweep(); }, SWEEP_MS);
    this.sweeper.unref();
  }

  onApplicationShutdown(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.relay.stop();
    this.accessChanges.stop();
    this.viewers.stop();
    this.cluster.stop();
  }

  /** Namespace middleware: no live token, no connection (the client gets connect_error with data.code). */
  private async admit(socket: AgentSocket): Promise<void> {
    const auth: unknown = socket.handshake.auth;
    const token = auth && typeof auth === 'object' ? (auth as Record<string, unknown>).token : undefined;
    let actor: Actor | null;
    let initial: string[];
    try {
      actor = await this.auth.authenticate(token);
      if (!actor) throw refusal('unauthenticated', token ? 'the token is invalid, expired or revoked' : 'send auth: {token}');
      const [joined, choice] = await Promise.all([this.auth.roomsFor(actor), this.people.presenceChoiceOf(actor.workspaceId, actor.userId)]);
      initial = joined;
      // Before the socket counts as connected, so a returning busy user is never announced online first.
      this.presence.restoreChoice(actor.workspaceId, actor.userId, choice);
    } catch (e) {
      if ((e as Partial<Refusal>).data?.code) throw e;
      this.log.error({ err: e }, 'realtime: could not authenticate a socket');
      throw refusal('unavailable', 'the server could not check the token; retry');
    }
    socket.data.actor = actor;
    this.initialRooms.set(socket, initial);
  }

  /**
   * A recovered socket skips the middleware (fast reconnects) but must still be authorised: a session whose
   * token was revoked, expired or whose user was deactivated during the gap is not restored, so the
   * reconnect goes through the middleware (and is refused) and none of the missed events are sent.
   */
  private guardRecovery(nsp: AgentsNamespace): void {
    const adapter = nsp.adapter;
    const restore = adapter.restoreSession.bind(adapter);
    adapter.restoreSession = async (pid, offset) => {
      const session = await restore(pid, offset);
      if (!session) return session;
      const actor = (session.data as Partial<AgentSocketData> | undefined)?.actor;
      const fresh = actor ? await this.auth.revalidateOne(actor) : null;
      if (!fresh) throw new Error('session no longer authorised');
      this.presence.restoreChoice(fresh.workspaceId, fresh.userId, await this.people.presenceChoiceOf(fresh.workspaceId, fresh.userId));
      session.data = { ...(session.data as AgentSocketData), actor: fresh };
      return session;
    };
  }

  private onConnection(socket: AgentSocket): void {
    const actor = socket.data.actor;
    if (!actor) { socket.disconnect(true); return; }
    const initial = this.initialRooms.get(socket);
    if (initial) {
      // Joined synchronously, before the client can act on `connect`: nothing sent after it is missed.
      void socket.join(initial);
      this.initialRooms.delete(socket);
    } else if (socket.recovered) {
      this.membership.reconcileSocket(socket, actor).catch((err: unknown) => this.log.warn({ err }, 'realtime: room reconcile failed'));
      for (const r of socket.rooms) if (r.startsWith(CONVERSATION_ROOM_PREFIX)) this.viewers.refresh(r.slice(CONVERSATION_ROOM_PREFIX.length));
      // The session kept the conversation rooms it had when it dropped; access may have shrunk during the gap.
      this.accessChanges.pruneWatched(actor.workspaceId, actor.userId, socket).catch((err: unknown) => this.log.warn({ err }, 'realtime: watch check failed'));
    }
    this.presence.connected(actor.workspaceId, actor.userId, socket.id);

    const bucket = new TokenBucket();
    this.handle(socket, bucket, 'conversation.watch', (p) => this.watch(socket, p.conversationId));
    this.handle(socket, bucket, 'conversation.unwatch', async (p) => {
      const room = rooms.conversation(p.conversationId);
      if (socket.rooms.has(room)) {
        await socket.leave(room);
        this.viewers.refresh(p.conversationId);
      }
      return { ok: true };
    });
    this.handle(socket, bucket, 'typing', (p) => this.typing(socket, p));
    this.handle(socket, bucket, 'presence.set', async (p) => {
      const a = socket.data.actor;
      // Stored first: a choice that is shown has survived a restart or a reconnect elsewhere.
      await this.people.setPresenceChoice(a.workspaceId, a.userId, p.status);
      this.presence.choose(a.workspaceId, a.userId, p.status);
      return { ok: true };
    });

    let watched: string[] = [];
    socket.on('disconnecting', () => {
      watched = [...socket.rooms].filter((r) => r.startsWith(CONVERSATION_ROOM_PREFIX)).map((r) => r.slice(CONVERSATION_ROOM_PREFIX.length));
    });
    socket.on('disconnect', () => {
      const a = socket.data.actor;
      this.presence.disconnected(a.workspaceId, a.userId, socket.id);
      for (const id of watched) this.viewers.refresh(id);
    });
  }

  private handle<K extends ClientMessage>(socket: AgentSocket, bucket: TokenBucket, name: K, fn: (p: ClientPayload<K>) => Promise<AckResult>): void {
    const event: string = name;
    socket.on(event, (...args: unknown[]) => {
      const m = parseClientMessage(name, args);
      if (!m.ok) { m.ack?.({ ok: false, error: 'invalid_request' }); return; }
      if (!bucket.take()) { m.ack({ ok: false, error: 'rate_limited' }); return; }
      fn(m.payload).then(m.ack, (err: unknown) => {
        if (err instanceof DomainError && err.status < 500) { m.ack({ ok: false, error: err.code }); return; }
        this.log.error({ err, event: name }, 'realtime: client event failed');
        m.ack({ ok: false, error: 'internal' });
      });
    });
  }

  private async watch(socket: AgentSocket, conversationId: string): Promise<AckResult> {
    await this.conversations.visible(socket.data.actor, conversationId); // not_found when it may not be read
    if (!socket.connected) return { ok: false, error: 'disconnected' };
    await socket.join(rooms.conversation(conversationId));
    this.viewers.refresh(conversationId);
    return { ok: true };
  }

  private async typing(socket: AgentSocket, p: ClientPayload<'typing'>): Promise<AckResult> {
    const actor = socket.data.actor;
    const conv = await this.accessForTyping(socket, actor, p.conversationId);
    const who = { type: 'user' as const, id: actor.userId, name: actor.name };
    const to = await this.audience.rooms(actor.workspaceId, conv);
    this.hub.nsp.to(to).except(rooms.user(actor.userId)).emit('typing', {
      conversationId: conv.id, who, isTyping: p.isTyping, ...(p.private ? { private: true } : {}),
    });
    // The channel (web chat) shows public typing to the customer; a note being typed never leaves Parley.
    if (!p.private) this.events.emit('conversation.typing', { workspaceId: actor.workspaceId, conversationId: conv.id, inboxId: conv.inboxId, who, isTyping: p.isTyping });
    return { ok: true };
  }

  private async accessForTyping(socket: AgentSocket, actor: Actor, conversationId: string): Promise<ConversationRef> {
    let cache = this.typingAccess.get(socket);
    if (!cache) { cache = new Map(); this.typingAccess.set(socket, cache); }
    const hit = cache.get(conversationId);
    if (hit && Date.now() - hit.at < TYPING_ACCESS_TTL_MS) return hit.conv;
    const c = await this.conversations.visible(actor, conversationId);
    const conv: ConversationRef = { id: c._id, inboxId: c.inboxId, assigneeId: c.assigneeId ?? null, teamId: c.teamId ?? null };
    if (cache.size > 100) cache.clear();
    cache.set(conversationId, { conv, at: Date.now() });
    return conv;
  }

  /** Drops sockets whose token expired or was revoked unseen, and follows role and membership changes. */
  private async sweep(): Promise<void> {
    if (!this.hub.ready || this.sweeping) return;
    this.sweeping = true;
    try {
      const sockets = [...this.hub.nsp.sockets.values()].filter((s) => s.data.actor);
      if (!sockets.length) return;
      const fresh = await this.auth.revalidate(sockets.map((s) => s.data.actor));
      const live = new Map<string, Array<{ socket: AgentSocket; actor: Actor }>>();
      for (const socket of sockets) {
        const actor = fresh.get(socket.data.actor.tokenId);
        if (!actor) { socket.disconnect(true); continue; }
        socket.data.actor = actor;
        const list = live.get(actor.workspaceId) ?? [];
        list.push({ socket, actor });
        live.set(actor.workspaceId, list);
      }
      for (const [workspaceId, list] of live) {
        const desired = await this.auth.roomsForMany(workspaceId, list.map((x) => x.actor));
        for (const { socket, actor } of list) await this.membership.reconcileSocket(socket, actor, desired.get(actor));
      }
    } catch (err) {
      this.log.warn({ err }, 'realtime: periodic socket check failed');
    } finally {
      this.sweeping = false;
    }
  }
}
