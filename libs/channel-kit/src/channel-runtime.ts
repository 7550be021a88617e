import type { ChannelKind } from '@parley/contracts';
import type { InboxRef } from './channel-adapter';

export interface ResolvedInbox<Config = Record<string, unknown>> {
  inbox: InboxRef;
  /** Decrypted config (secrets included): keep it in memory, never log or return it. */
  config: Config;
  businessHours?: { timezone: string; weekly: Record<string, Array<[string, string]>>; holidays?: string[] } | null;
  /** Members that may take work from this inbox (for voice ringing, availability...). */
  memberIds: string[];
}

/**
 * What a channel may ask of the hub besides ingesting: implemented by libs/core, injected as CHANNEL_RUNTIME.
 * Channels never import persistence; this is their only window on stored state.
 */
export interface ChannelRuntime {
  /** Webhooks know only the inbox id from the URL; this resolves it across workspaces. */
  getInbox<C = Record<string, unknown>>(inboxId: string): Promise<ResolvedInbox<C> | null>;
  listInboxes<C = Record<string, unknown>>(kind: ChannelKind): Promise<Array<ResolvedInbox<C>>>;
  /** Called after an inbox of this kind is created, updated or deactivated (pollers restart). */
  onInboxChanged(listener: (inboxId: string, kind: ChannelKind) => void): () => void;
  reportHealth(inbox: InboxRef, health: { ok: boolean; error?: string }): Promise<void>;
  /** Small per-inbox state (e.g. IMAP UIDVALIDITY + last UID). */
  getState<T>(inbox: InboxRef, key: string): Promise<T | null>;
  setState<T>(inbox: InboxRef, key: string, value: T): Promise<void>;
  /** An exclusive lease held by one process at a time (renew by acquiring again before ttl ends). */
  acquireLease(inbox: InboxRef, name: string, holder: string, ttlMs: number): Promise<boolean>;
  releaseLease(inbox: InboxRef, name: string, holder: string): Promise<void>;
  /** Users (id, name, presence) that are online and members of the inbox. */
  availableAgents(inbox: InboxRef): Promise<Array<{ id: string; name: string; phone?: string | null }>>;
  /** Public URL of the hub as providers reach it (PUBLIC_URL). */
  publicUrl(): string;
  allowPrivateUrls(): boolean;
}
export const CHANNEL_RUNTIME = Symbol('CHANNEL_RUNTIME');
