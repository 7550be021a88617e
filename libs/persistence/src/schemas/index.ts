import { Schema, type InferSchemaType } from 'mongoose';

// Every document has a string _id (time-ordered or deterministic, see DESIGN §3) and a workspaceId.
const base = { _id: { type: String, required: true } } as const;
const opts = { versionKey: false, minimize: false } as const;
const ws = { type: String, required: true } as const;

export const WorkspaceSchema = new Schema({ ...base, name: { type: String, required: true }, createdAt: { type: Date, required: true } }, { ...opts, collection: 'workspaces' });

export const UserSchema = new Schema({
  ...base, workspaceId: ws,
  name: { type: String, required: true },
  email: { type: String, required: true },
  passwordHash: { type: String, required: true },
  role: { type: String, required: true, enum: ['agent', 'supervisor', 'admin'] },
  active: { type: Boolean, required: true, default: true },
  isOwner: { type: Boolean, default: false },
  phone: { type: String, default: null },
  totpSecret: { type: String, default: null }, // sealed with SecretBox
  totpEnabled: { type: Boolean, default: false },
  presence: { type: String, default: 'offline' },
  presenceChoice: { type: String, default: 'online' },
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
}, { ...opts, collection: 'users' });
UserSchema.index({ email: 1 }, { unique: true });
UserSchema.index({ workspaceId: 1, name: 1 });

/** Access tokens and API tokens, keyed by the SHA-256 of the token: a lookup is one _id read. */
export const TokenSchema = new Schema({
  ...base, workspaceId: ws,
  userId: { type: String, required: true },
  kind: { type: String, required: true, enum: ['access', 'api'] },
  name: { type: String, default: null },
  prefix: { type: String, default: null },
  expiresAt: { type: Date, default: null },
  revokedAt: { type: Date, default: null },
  createdAt: { type: Date, required: true },
}, { ...opts, collection: 'tokens' });
TokenSchema.index({ workspaceId: 1, userId: 1, kind: 1 });

export const TeamSchema = new Schema({
  ...base, workspaceId: ws, name: { type: String, required: true }, memberIds: { type: [String], default: [] },
  createdAt: { type: Date, required: true },
}, { ...opts, collection: 'teams' });
TeamSchema.index({ workspaceId: 1, name: 1 });
TeamSchema.index({ workspaceId: 1, memberIds: 1 });

export const InboxSchema = new Schema({
  ...base, workspaceId: ws,
  name: { type: String, required: true },
  channel: { type: String, required: true },
  configPublic: { type: Schema.Types.Mixed, default: {} },
  configSecret: { type: String, default: null }, // sealed JSON of the secret keys
  inboxToken: { type: String, default: null }, // sealed
  widgetToken: { type: String, default: null },
  teamId: { type: String, default: null },
  memberIds: { type: [String], default: [] },
  businessHours: { type: Schema.Types.Mixed, default: null },
  reopenWindowDays: { type: Number, default: 7 },
  health: { type: Schema.Types.Mixed, default: null },
  active: { type: Boolean, default: true },
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
}, { ...opts, collection: 'inboxes' });
InboxSchema.index({ workspaceId: 1, channel: 1 });
InboxSchema.index({ widgetToken: 1 });

const IdentitySub = new Schema({ type: { type: String, required: true }, value: { type: String, required: true }, inboxId: { type: String, default: null } }, { _id: false });

export const ContactSchema = new Schema({
  ...base, workspaceId: ws,
  name: { type: String, default: '' },
  email: { type: String, default: null },
  phone: { type: String, default: null },
  identities: { type: [IdentitySub], default: [] },
  attributes: { type: Schema.Types.Mixed, default: {} },
  blocked: { type: Boolean, default: false },
  optedOut: { type: Boolean, default: false },
  mergedInto: { type: String, default: null },
  terms: { type: [String], default: [] },
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
}, { ...opts, collection: 'contacts' });
ContactSchema.index({ workspaceId: 1, terms: 1 });
ContactSchema.index({ workspaceId: 1, updatedAt: -1 });

/**
 * One document per identity with a deterministic _id ("<ws>|email|a@b.c", "<ws>|<inboxId>|api|x"): the insert
 * that wins creates the contact; a racing one reads the winner's contactId.
 */
export const IdentitySchema = new Schema({
  ...base, workspaceId: ws, contactId: { type: String, required: true }, type: { type: String, required: true },
  value: { type: String, required: true }, inboxId: { type: String, default: null }, createdAt: { type: Date, required: true },
}, { ...opts, collection: 'contact_identities' });
IdentitySchema.index({ workspaceId: 1, contactId: 1 });

const LastMessageSub = new Schema({ text: String, at: Date, direction: String }, { _id: false });

export const ConversationSchema = new Schema({
  ...base, workspaceId: ws,
  inboxId: { type: String, required: true },
  channel: { type: String, required: true },
  contactId: { type: String, required: true },
  contactName: { type: String, default: '' },
  status: { type: String, required: true, default: 'open' },
  priority: { type: String, required: true, default: 'none' },
  assigneeId: { type: String, default: null },
  teamId: { type: String, default: null },
  labels: { type: [String], default: [] },
  subject: { type: String, default: null },
  lastMessage: { type: LastMessageSub, default: null },
  lastActivityAt: { type: Date, required: true },
  unreadCount: { type: Number, default: 0 },
  readBy: { type: Schema.Types.Mixed, default: {} },
  waitingSince: { type: Date, default: null },
  snoozeUntil: { type: Date, default: null },
  resolvedAt: { type: Date, default: null },
  pastAssigneeIds: { type: [String], default: [] },
  /** Teams it was taken away from: their members learn it left their view when they resync (updatedSince). */
  pastTeamIds: { type: [String], default: [] },
  meta: { type: Schema.Types.Mixed, default: {} },
  terms: { type: [String], default: [] },
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
}, { ...opts, collection: 'conversations' });
ConversationSchema.index({ workspaceId: 1, lastActivityAt: -1, _id: -1 });
ConversationSchema.index({ workspaceId: 1, status: 1, lastActivityAt: -1 });
ConversationSchema.index({ workspaceId: 1, assigneeId: 1, lastActivityAt: -1 });
ConversationSchema.index({ workspaceId: 1, inboxId: 1, lastActivityAt: -1 });
ConversationSchema.index({ workspaceId: 1, teamId: 1, lastActivityAt: -1 });
ConversationSchema.index({ workspaceId: 1, labels: 1 });
ConversationSchema.index({ workspaceId: 1, terms: 1 });
ConversationSchema.index({ workspaceId: 1, updatedAt: 1 });
ConversationSchema.index({ workspaceId: 1, contactId: 1 });
ConversationSchema.index({ status: 1, snoozeUntil: 1 }); // the snooze wake-up looks across workspaces

/** The current conversation of (inbox, contact), swung by compare-and-set: one open conversation at a time. */
export const ConversationSlotSchema = new Schema({
  ...base, workspaceId: ws, conversationId: { type: String, required: true },
}, { ...opts, collection: 'conversation_slots' });

const AttachmentRefSub = new Schema({ id: String, name: String, contentType: String, size: Number }, { _id: false });

export const MessageSchema = new Schema({
  ...base, workspaceId: ws,
  conversationId: { type: String, required: true },
  inboxId: { type: String, required: true },
  direction: { type: String, required: true },
  kind: { type: String, required: true },
  text: { type: String, default: '' },
  html: { type: String, default: null },
  attachments: { type: [AttachmentRefSub], default: [] },
  author: { type: Schema.Types.Mixed, required: true },
  status: { type: String, required: true },
  error: { type: String, default: null },
  externalId: { type: String, default: null },
  /** Always present: "in:<inboxId>:<externalId>", "client:<conv>:<user>:<clientId>" or "id:<_id>". */
  dedupeKey: { type: String, required: true },
  clientId: { type: String, default: null },
  mentions: { type: [String], default: [] },
  call: { type: Schema.Types.Mixed, default: null },
  meta: { type: Schema.Types.Mixed, default: {} },
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
}, { ...opts, collection: 'messages' });
MessageSchema.index({ dedupeKey: 1 }, { unique: true });
MessageSchema.index({ workspaceId: 1, conversationId: 1, createdAt: -1, _id: -1 });

/** (inboxId, provider id) → our message, for receipts and email threading: one _id read. */
export const ExternalRefSchema = new Schema({
  ...base, workspaceId: ws, conversationId: { type: String, required: true }, messageId: { type: String, required: true },
}, { ...opts, collection: 'external_refs' });

/** The outbound queue: a message waiting for (or in) delivery. Removed when sent or finally failed. */
export const DeliverySchema = new Schema({
  ...base, workspaceId: ws,
  messageId: { type: String, required: true },
  conversationId: { type: String, required: true },
  inboxId: { type: String, required: true },
  state: { type: String, required: true }, // pending | inflight
  attempts: { type: Number, default: 0 },
  nextAttemptAt: { type: Date, required: true },
  lockedUntil: { type: Date, default: null },
  lockedBy: { type: String, default: null },
  lastError: { type: String, default: null },
  createdAt: { type: Date, required: true },
}, { ...opts, collection: 'deliveries' });
DeliverySchema.index({ state: 1, nextAttemptAt: 1 });

export const AttachmentSchema = new Schema({
  ...base, workspaceId: ws,
  name: { type: String, required: true },
  contentType: { type: String, required: true },
  size: { type: Number, required: true },
  blobKey: { type: String, required: true },
  uploadedBy: { type: Schema.Types.Mixed, required: true },
  conversationId: { type: String, default: null },
  contentId: { type: String, default: null },
  createdAt: { type: Date, required: true },
}, { ...opts, collection: 'attachments' });

export const NotificationSchema = new Schema({
  ...base, workspaceId: ws, userId: { type: String, required: true }, kind: { type: String, required: true },
  conversationId: { type: String, required: true }, messageId: { type: String, default: null },
  readAt: { type: Date, default: null }, createdAt: { type: Date, required: true },
}, { ...opts, collection: 'notifications' });
NotificationSchema.index({ workspaceId: 1, userId: 1, createdAt: -1 });

export const CannedResponseSchema = new Schema({
  ...base, workspaceId: ws, shortcut: { type: String, required: true }, text: { type: String, required: true },
  scope: { type: String, required: true }, ownerId: { type: String, default: null },
  createdAt: { type: Date, required: true }, updatedAt: { type: Date, required: true },
}, { ...opts, collection: 'canned_responses' });
CannedResponseSchema.index({ workspaceId: 1, shortcut: 1 });

export const AuditLogSchema = new Schema({
  ...base, workspaceId: ws, actorId: { type: String, default: null }, action: { type: String, required: true },
  targetType: { type: String, required: true }, targetId: { type: String, required: true },
  data: { type: Schema.Types.Mixed, default: {} }, createdAt: { type: Date, required: true },
}, { ...opts, collection: 'audit_logs' });
AuditLogSchema.index({ workspaceId: 1, createdAt: -1 });

/** Exclusive leases (IMAP mailbox, worker role) and small per-inbox channel state. */
export const LeaseSchema = new Schema({
  ...base, workspaceId: ws, holder: { type: String, required: true }, expiresAt: { type: Date, required: true },
}, { ...opts, collection: 'leases' });

export const ChannelStateSchema = new Schema({
  ...base, workspaceId: ws, value: { type: Schema.Types.Mixed, default: null }, updatedAt: { type: Date, required: true },
}, { ...opts, collection: 'channel_state' });

export type WorkspaceDoc = InferSchemaType<typeof WorkspaceSchema>;
export type UserDoc = InferSchemaType<typeof UserSchema>;
export type TokenDoc = InferSchemaType<typeof TokenSchema>;
export type TeamDoc = InferSchemaType<typeof TeamSchema>;
export type InboxDoc = InferSchemaType<typeof InboxSchema>;
export type ContactDoc = InferSchemaType<typeof ContactSchema>;
export type IdentityDoc = InferSchemaType<typeof IdentitySchema>;
export type ConversationDoc = InferSchemaType<typeof ConversationSchema>;
export type MessageDoc = InferSchemaType<typeof MessageSchema>;
export type DeliveryDoc = InferSchemaType<typeof DeliverySchema>;
export type AttachmentDoc = InferSchemaType<typeof AttachmentSchema>;
export type NotificationDoc = InferSchemaType<typeof NotificationSchema>;
export type CannedResponseDoc = InferSchemaType<typeof CannedResponseSchema>;
export type SlotDoc = InferSchemaType<typeof ConversationSlotSchema>;
export type ExternalRefDoc = InferSchemaType<typeof ExternalRefSchema>;
export type AuditLogDoc = InferSchemaType<typeof AuditLogSchema>;
export type LeaseDoc = InferSchemaType<typeof LeaseSchema>;
export type ChannelStateDoc = InferSchemaType<typeof ChannelStateSchema>;
