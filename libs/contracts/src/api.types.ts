import type {
  ChannelKind, ConversationStatus, Direction, MessageKind, MessageStatus, PresenceStatus, Priority, Role,
} from './channel-kinds';

export interface ApiError { error: string; message: string; fields?: Record<string, string> }

export interface UserDto { id: string; name: string; email: string; role: Role; active?: boolean; presence?: PresenceStatus; teamIds?: string[]; twoFactorEnabled?: boolean }
export interface LoginResponse { accessToken: string; expiresAt: string; user: UserDto }

export interface TeamDto { id: string; name: string; memberIds: string[] }

export interface BusinessHoursDto {
  timezone: string;
  weekly: Partial<Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', Array<[string, string]>>>;
  holidays?: string[];
}

export interface InboxHealthDto { status: 'ok' | 'error'; lastError?: string; checkedAt: string }
export interface InboxDto {
  id: string; name: string; channel: ChannelKind; teamId: string | null; memberIds: string[];
  businessHours?: BusinessHoursDto | null; reopenWindowDays: number;
  /** Non-secret part of the channel config (secrets are write-only). */
  config: Record<string, unknown>;
  webhookUrls?: Record<string, string>; widgetToken?: string; inboxToken?: string; widgetSnippet?: string;
  health?: InboxHealthDto; createdAt: string;
}

export interface ContactRefDto { id: string; name: string }
export interface ConversationSummary {
  id: string; inboxId: string; channel: ChannelKind; status: ConversationStatus; priority: Priority;
  assigneeId: string | null; teamId: string | null; labels: string[]; contact: ContactRefDto;
  subject: string | null; lastMessage: { text: string; at: string; direction: Direction } | null;
  unreadCount: number; createdAt: string; updatedAt: string; snoozeUntil?: string | null;
  waitingSince?: string | null;
}
export interface IdentityDto { type: 'phone' | 'email' | 'api' | 'webchat' | 'whatsapp' | 'messenger' | 'instagram' | 'telegram'; value: string; inboxId?: string | null }
export interface ContactDto {
  id: string; name: string; email: string | null; phone: string | null; identities: IdentityDto[];
  attributes: Record<string, unknown>; blocked: boolean; optedOut?: boolean; createdAt: string; updatedAt: string;
  conversations?: ConversationSummary[];
}
export interface ConversationDetail extends ConversationSummary { contactDetails: ContactDto }

export interface AttachmentDto { id: string; name: string; contentType: string; size: number; url: string }
export interface MessageDto {
  id: string; conversationId: string; direction: Direction; kind: MessageKind; text: string; html?: string;
  attachments: AttachmentDto[];
  author: { type: 'contact' | 'user' | 'system'; id?: string; name?: string };
  status: MessageStatus; error?: string; externalId?: string; mentions?: string[]; clientId?: string;
  call?: { phase: string; durationSec?: number; recordingUrl?: string; transcript?: string };
  createdAt: string;
}
export interface Page<T> { items: T[]; nextCursor: string | null; removed?: string[] }
export interface NotificationDto { id: string; kind: string; conversationId: string; messageId?: string | null; readAt: string | null; createdAt: string }
export interface CannedResponseDto { id: string; shortcut: string; text: string; scope: 'personal' | 'shared'; ownerId: string | null }
