/** A message as the hub sends it to the widget (channels/webchat VisitorMessage). */
export interface WidgetMessage {
  id: string;
  conversationId: string;
  direction: 'in' | 'out';
  kind: 'message';
  text: string;
  attachments: WidgetAttachment[];
  author: { type: 'contact' | 'user' | 'system'; name?: string };
  status: 'received' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed';
  clientId?: string;
  createdAt: string;
}
export interface WidgetAttachment { id: string; name: string; contentType: string; size: number; url: string }

export interface WidgetConfig {
  greeting: string | null;
  teamName: string | null;
  color: string | null;
  preChatForm: { name: boolean; email: boolean };
  awayMessage: string | null;
  requireIdentity: boolean;
}

export interface SessionPayload {
  visitorToken: string;
  conversationId: string | null;
  messages: WidgetMessage[];
  config?: WidgetConfig;
  online?: boolean;
  contact?: { name: string | null; email: string | null } | null;
}

/** A message on screen: the hub's, or one of ours still on its way. */
export interface UiMessage extends WidgetMessage {
  local?: 'sending' | 'failed';
  error?: string;
  attachmentIds?: string[];
}

export interface Identity { id: string; hash: string; name?: string; email?: string }

export type Ack<T> = ({ ok: true } & T) | { ok: false; error: string; code?: string };
