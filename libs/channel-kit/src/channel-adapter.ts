import type { ChannelKind } from '@parley/contracts';

/** What a channel knows about the inbox it serves. Never carries MongoDB documents. */
export interface InboxRef {
  id: string;
  workspaceId: string;
  name: string;
  channel: ChannelKind;
  /** Plain (decrypted) token used by the api channel to sign callbacks. */
  inboxToken?: string;
}

export interface OutboundAttachment { id: string; name: string; contentType: string; size: number; path: string; url?: string }

export interface OutboundMessage {
  /** Parley message id. */
  id: string;
  /** Stable across retries and restarts: receivers dedupe on it. */
  deliveryId: string;
  conversationId: string;
  text: string;
  html?: string;
  attachments: OutboundAttachment[];
  createdAt: string;
  contact: { id: string; name: string; identifier: string | null; email: string | null; phone: string | null };
  /** Channel threading data (email Message-IDs, subject...). */
  thread?: { subject?: string | null; inReplyTo?: string | null; references?: string[]; threadKey?: string | null };
  author?: { id?: string; name?: string };
}

export interface SendResult { externalId: string; status?: 'sent' | 'delivered'; meta?: Record<string, unknown> }

export interface ChannelCapabilities { attachments: boolean; typing: boolean; readReceipts: boolean; replyWindowHours?: number }

export interface SendContext<Config> { inbox: InboxRef; config: Config; allowPrivateUrls?: boolean }

/**
 * The port every channel implements. `send` throws a ChannelSendError; `retryable` decides whether the
 * dispatcher tries again with backoff or marks the message failed.
 */
export interface ChannelAdapter<Config = Record<string, unknown>> {
  kind: ChannelKind;
  capabilities: ChannelCapabilities;
  /** Validate and normalise the inbox config an admin submitted; throw ChannelConfigError naming the field. */
  validateConfig(config: unknown, ctx: { allowPrivateUrls: boolean }): Config;
  /** Which config keys are secrets: write-only, encrypted at rest, never returned or logged. */
  secretKeys: readonly string[];
  send(ctx: SendContext<Config>, msg: OutboundMessage): Promise<SendResult>;
  /** URLs an admin pastes into the provider's console (phone: sms/voice/status; meta; telegram). */
  webhookUrls?(publicUrl: string, inboxId: string): Record<string, string>;
  /** Check credentials and reachability; report what failed in plain words. */
  testConnection?(config: Config): Promise<{ ok: boolean; error?: string; details?: Record<string, unknown> }>;
  /** Click-to-call on voice channels: ring the agent first, then bridge the customer. */
  startCall?(ctx: SendContext<Config>, req: { agentNumber: string; customerNumber: string; conversationId: string }): Promise<{ externalId: string }>;
}

export class ChannelSendError extends Error {
  constructor(message: string, readonly retryable: boolean, readonly code?: string) {
    super(message);
    this.name = 'ChannelSendError';
  }
}

export class ChannelConfigError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
    this.name = 'ChannelConfigError';
  }
}
