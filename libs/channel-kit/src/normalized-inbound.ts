/** A person as a channel sees them. phone/email are workspace-wide identities; the rest are per inbox. */
export type IdentityType = 'phone' | 'email' | 'api' | 'webchat' | 'whatsapp' | 'messenger' | 'instagram' | 'telegram';
export interface Identity { type: IdentityType; value: string; name?: string; email?: string; phone?: string }

export interface InboundAttachment { name: string; contentType: string; data: Buffer; contentId?: string; inline?: boolean }

export interface InboundMessage {
  type: 'message';
  inboxId: string;
  /** Provider's id of this message: (inboxId, externalId) is stored once. */
  externalId: string;
  from: Identity;
  /** Channel thread hint: e.g. email Message-IDs this replies to; matched before the open-conversation rule. */
  threadKey?: string;
  references?: string[];
  subject?: string;
  text?: string;
  html?: string;
  attachments: InboundAttachment[];
  /** Files the contact already uploaded through the hub (web chat): attached by id, not stored again. */
  uploadedAttachmentIds?: string[];
  at: Date;
  /** Does not open or reopen anything (auto-replies, bounces). */
  noise?: boolean;
  /**
   * SMS opt-out keyword (STOP, UNSUBSCRIBE...): true = the sender opted out, false = opted back in (START...).
   * The core flags the contact and refuses replies to it (422 not_deliverable); the message is still stored.
   */
  optOut?: boolean;
  meta?: Record<string, unknown>;
}

export interface InboundStatus {
  type: 'status';
  inboxId: string;
  /** externalId of our outbound message (as returned by send). */
  externalId: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  error?: string;
  at: Date;
}

export interface InboundCall {
  type: 'call';
  inboxId: string;
  externalId: string;
  from: Identity;
  phase: string;
  durationSec?: number;
  recordingUrl?: string;
  transcript?: string;
  /** A missed call / voicemail opens or reopens the conversation. */
  opens?: boolean;
  at: Date;
}

export type NormalizedInbound = InboundMessage | InboundStatus | InboundCall;

export interface IngestResult { duplicate: boolean; conversationId?: string; messageId?: string; contactId?: string }

/** Implemented by libs/core; channels receive it by injection (INBOUND_SINK) and never touch storage. */
export interface InboundSink {
  ingest(workspaceId: string, event: NormalizedInbound): Promise<IngestResult>;
}
export const INBOUND_SINK = Symbol('INBOUND_SINK');
