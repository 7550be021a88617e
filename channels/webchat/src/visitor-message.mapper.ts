import type { MessageDto } from '@parley/contracts';
import { signFileUrl } from './visitor-token';

/**
 * A message as the visitor sees it: no user ids, external ids, mentions or HTML, and attachment links signed
 * for the widget (the console's /api/v1/attachments links need staff auth).
 */
export interface VisitorMessage {
  id: string;
  conversationId: string;
  direction: 'in' | 'out';
  kind: 'message';
  text: string;
  attachments: Array<{ id: string; name: string; contentType: string; size: number; url: string }>;
  author: { type: 'contact' | 'user' | 'system'; name?: string };
  status: MessageDto['status'];
  /** The widget's own id for a message it sent (from externalId `<visitorId>:<clientId>`). */
  clientId?: string;
  createdAt: string;
}

/** The parts a visitor may see of a message, or null for anything that is not a plain public message. */
export function toVisitorMessage(m: MessageDto, inboxId: string, key: Buffer, visitorId?: string): VisitorMessage | null {
  if (m.kind !== 'message') return null;
  const out: VisitorMessage = {
    id: m.id, conversationId: m.conversationId, direction: m.direction, kind: 'message', text: m.text,
    attachments: m.attachments.map((a) => ({ id: a.id, name: a.name, contentType: a.contentType, size: a.size, url: signFileUrl(key, inboxId, a.id) })),
    author: m.author.type === 'contact' ? { type: 'contact' } : { type: m.author.type, ...(m.author.name ? { name: m.author.name } : {}) },
    status: m.status, createdAt: m.createdAt,
  };
  if (m.direction === 'in' && m.externalId) {
    const cut = m.externalId.lastIndexOf(':');
    const owner = m.externalId.slice(0, cut);
    if (cut > 0 && (visitorId === undefined || owner === visitorId)) out.clientId = m.externalId.slice(cut + 1);
  }
  return out;
}
