import type { AttachmentDto, ChannelKind, ConversationStatus, ConversationSummary, MessageDto, Priority } from '@parley/contracts';
import type { ConversationDoc, MessageDoc } from '@parley/persistence';

export type Conv = ConversationDoc & { _id: string };
export type Msg = MessageDoc & { _id: string };

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

export function toSummary(c: Conv): ConversationSummary {
  return {
    id: c._id, inboxId: c.inboxId, channel: c.channel as ChannelKind, status: c.status as ConversationStatus,
    priority: c.priority as Priority, assigneeId: c.assigneeId ?? null, teamId: c.teamId ?? null, labels: c.labels ?? [],
    contact: { id: c.contactId, name: c.contactName ?? '' }, subject: c.subject ?? null,
    lastMessage: c.lastMessage?.at ? { text: c.lastMessage.text ?? '', at: iso(c.lastMessage.at)!, direction: (c.lastMessage.direction ?? 'in') as 'in' | 'out' } : null,
    unreadCount: c.unreadCount ?? 0, createdAt: iso(c.createdAt)!, updatedAt: iso(c.updatedAt)!,
    snoozeUntil: iso(c.snoozeUntil), waitingSince: iso(c.waitingSince),
  };
}

export const attachmentUrl = (id: string) => `/api/v1/attachments/${id}`;

export function toMessageDto(m: Msg): MessageDto {
  const author = m.author as MessageDto['author'];
  const dto: MessageDto = {
    id: m._id, conversationId: m.conversationId, direction: m.direction as 'in' | 'out', kind: m.kind as MessageDto['kind'],
    text: m.text ?? '', attachments: (m.attachments ?? []).map((a): AttachmentDto => ({ id: a.id!, name: a.name!, contentType: a.contentType!, size: a.size!, url: attachmentUrl(a.id) })),
    author, status: m.status as MessageDto['status'], createdAt: iso(m.createdAt)!,
  };
  if (m.html) dto.html = m.html;
  if (m.error) dto.error = m.error;
  if (m.externalId) dto.externalId = m.externalId;
  if (m.mentions?.length) dto.mentions = m.mentions;
  if (m.clientId) dto.clientId = m.clientId;
  if (m.call) dto.call = m.call as MessageDto['call'];
  return dto;
}
