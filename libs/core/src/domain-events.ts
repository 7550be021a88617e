import { EventEmitter } from 'node:events';
import type { ConversationSummary, MessageDto, PresenceStatus, Role } from '@parley/contracts';

/**
 * What happened in the domain, with what realtime needs to route it: the conversation's inbox and assignee
 * decide which rooms see it. libs/realtime subscribes; the core never knows about sockets.
 */
export interface DomainEventMap {
  'conversation.created': { workspaceId: string; conversation: ConversationSummary };
  'conversation.updated': {
    workspaceId: string; conversation: ConversationSummary; previousAssigneeId?: string | null; previousInboxId?: string; previousTeamId?: string | null;
  };
  'message.created': { workspaceId: string; conversation: ConversationSummary; message: MessageDto };
  'message.updated': { workspaceId: string; conversation: ConversationSummary; message: MessageDto };
  'notification.created': { workspaceId: string; userId: string; notification: { id: string; kind: string; conversationId: string; messageId?: string | null } };
  'presence.updated': { workspaceId: string; userId: string; status: PresenceStatus };
  'user.deactivated': { workspaceId: string; userId: string };
  /** A user's profile changed; realtime follows a role change on their open sockets at once. */
  'user.updated': { workspaceId: string; userId: string; name: string; role: Role; previousRole: Role };
  /** A team was created or patched; who joined or left decides who gains or loses its conversations. */
  'team.changed': { workspaceId: string; teamId: string; memberIds: string[]; previousMemberIds: string[] };
  'token.revoked': { workspaceId: string; tokenId: string; userId: string };
  'inbox.changed': { workspaceId: string; inboxId: string; channel: string };
  'outbound.queued': { workspaceId: string; messageId: string };
  /** Someone types in a conversation: agents (private = a note, never shown to the customer) or the contact. */
  'conversation.typing': { workspaceId: string; conversationId: string; inboxId: string; who: { type: 'user' | 'contact'; id: string; name: string }; isTyping: boolean; private?: boolean };
}

export class DomainEvents {
  private readonly bus = new EventEmitter({ captureRejections: false });
  constructor() { this.bus.setMaxListeners(100); }

  emit<K extends keyof DomainEventMap>(name: K, payload: DomainEventMap[K]): void {
    this.bus.emit(name, payload);
  }

  on<K extends keyof DomainEventMap>(name: K, listener: (payload: DomainEventMap[K]) => void): () => void {
    // A listener's failure must never break the write that emitted the event.
    const safe = (p: DomainEventMap[K]) => {
      try {
        const r = listener(p) as unknown;
        if (r instanceof Promise) r.catch((e: unknown) => this.bus.emit('error', e));
      } catch (e) {
        this.bus.emit('error', e);
      }
    };
    this.bus.on(name, safe);
    return () => this.bus.off(name, safe);
  }

  onError(listener: (err: unknown) => void): void { this.bus.on('error', listener); }
}
