import type { ConversationSummary, MessageDto } from './api.types';
import type { PresenceStatus } from './channel-kinds';

export type Ack<T = Record<string, never>> = (res: ({ ok: true } & T) | { ok: false; error: string }) => void;

/** `/agents` namespace, server → client. */
export interface AgentServerEvents {
  'conversation.created': (p: { conversation: ConversationSummary }) => void;
  'conversation.updated': (p: { conversation: ConversationSummary }) => void;
  'conversation.removed': (p: { conversationId: string }) => void;
  'message.created': (p: { message: MessageDto }) => void;
  'message.updated': (p: { message: MessageDto }) => void;
  'presence.updated': (p: { userId: string; status: PresenceStatus }) => void;
  typing: (p: { conversationId: string; who: { type: 'user' | 'contact'; id: string; name: string }; isTyping: boolean; private?: boolean }) => void;
  'viewers.updated': (p: { conversationId: string; userIds: string[] }) => void;
  notification: (p: { id: string; kind: string; conversationId: string; messageId?: string | null }) => void;
}
/** `/agents` namespace, client → server. */
export interface AgentClientEvents {
  'conversation.watch': (p: { conversationId: string }, ack: Ack) => void;
  'conversation.unwatch': (p: { conversationId: string }, ack: Ack) => void;
  typing: (p: { conversationId: string; isTyping: boolean; private?: boolean }, ack: Ack) => void;
  'presence.set': (p: { status: PresenceStatus }, ack: Ack) => void;
}
/** `/widget` namespace, server → client. */
export interface WidgetServerEvents {
  session: (p: { visitorToken: string; conversationId: string | null; messages: MessageDto[] }) => void;
  'message.created': (p: { message: MessageDto }) => void;
  'message.updated': (p: { message: MessageDto }) => void;
  typing: (p: { isTyping: boolean; who?: { type: 'user'; name: string } }) => void;
  availability: (p: { online: boolean }) => void;
}
/** `/widget` namespace, client → server. */
export interface WidgetClientEvents {
  'message.send': (p: { text?: string; attachmentIds?: string[]; clientId: string }, ack: Ack<{ message: MessageDto }>) => void;
  typing: (p: { isTyping: boolean }, ack?: Ack) => void;
  prechat: (p: { name?: string; email?: string }, ack?: Ack) => void;
}
