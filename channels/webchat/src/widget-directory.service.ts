import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { CHANNEL_RUNTIME, isOpen, type ChannelRuntime, type InboxRef, type ResolvedInbox } from '@parley/channel-kit';
import { ChannelQueryService } from '@parley/core';
import type { WebchatConfig } from './webchat-config';

export type WidgetInbox = ResolvedInbox<WebchatConfig>;

interface Cached<T> { at: number; value: T }
const TTL_MS = 15_000;
const NEGATIVE_TTL_MS = 5_000;
const MAX_ENTRIES = 2_000;
const KEY_STATE = 'widget-signing-key';

/**
 * Widget tokens → inboxes, per-inbox signing keys and availability, cached briefly: every page view of every
 * site embedding the widget asks, and an inbox change on another process reaches us within the TTL.
 */
@Injectable()
export class WidgetDirectory implements OnModuleDestroy {
  private readonly byToken = new Map<string, Cached<string | null>>();
  private readonly byId = new Map<string, Cached<WidgetInbox | null>>();
  private readonly keys = new Map<string, Buffer>();
  private readonly off: () => void;

  constructor(@Inject(CHANNEL_RUNTIME) private readonly runtime: ChannelRuntime, private readonly queries: ChannelQueryService) {
    this.off = runtime.onInboxChanged((inboxId, kind) => { if (kind === 'webchat') this.forget(inboxId); });
  }

  onModuleDestroy(): void { this.off(); }

  forget(inboxId: string): void {
    this.byId.delete(inboxId);
    for (const [token, c] of this.byToken) if (c.value === inboxId) this.byToken.delete(token);
  }

  private fresh<T>(c: Cached<T> | undefined): c is Cached<T> {
    return !!c && Date.now() - c.at < (c.value === null ? NEGATIVE_TTL_MS : TTL_MS);
  }

  private remember<T>(map: Map<string, Cached<T>>, key: string, value: T): T {
    // Random tokens from strangers must not grow the cache without bound.
    if (map.size >= MAX_ENTRIES) map.clear();
    map.set(key, { at: Date.now(), value });
    return value;
  }

  async byWidgetToken(token: unknown): Promise<WidgetInbox | null> {
    if (typeof token !== 'string' || !/^wt_[A-Za-z0-9_-]{8,80}$/.test(token)) return null;
    let c = this.byToken.get(token);
    if (!this.fresh(c)) c = { at: Date.now(), value: this.remember(this.byToken, token, (await this.queries.inboxIdByWidgetToken(token))?.id ?? null) };
    return c.value ? this.inbox(c.value) : null;
  }

  async inbox(inboxId: string): Promise<WidgetInbox | null> {
    const c = this.byId.get(inboxId);
    if (this.fresh(c)) return c.value;
    const r = await this.runtime.getInbox<WebchatConfig>(inboxId);
    return this.remember(this.byId, inboxId, r && r.inbox.channel === 'webchat' ? r : null);
  }

  /** Webchat inboxes of a workspace (for availability broadcasts when an agent's presence changes). */
  async inboxesOf(workspaceId: string): Promise<WidgetInbox[]> {
    const all = await this.runtime.listInboxes<WebchatConfig>('webchat');
    return all.filter((i) => i.inbox.workspaceId === workspaceId);
  }

  /** The first inbox an admin (or the demo seed) marked `demo: true`; its token may be handed to /demo. */
  async demoWidgetToken(): Promise<string | null> {
    const all = await this.runtime.listInboxes<WebchatConfig>('webchat');
    const demo = all.find((i) => i.config.demo === true);
    return demo ? this.queries.widgetTokenOf(demo.inbox.id) : null;
  }

  /**
   * A random per-inbox key kept in the channel state, so every API process signs and verifies visitor tokens
   * and file links alike. Two processes creating it at once converge on whichever write landed last.
   */
  async signingKey(inbox: InboxRef): Promise<Buffer> {
    const known = this.keys.get(inbox.id);
    if (known) return known;
    let stored = await this.runtime.getState<string>(inbox, KEY_STATE);
    if (!stored) {
      await this.runtime.setState(inbox, KEY_STATE, randomBytes(32).toString('base64url'));
      stored = await this.runtime.getState<string>(inbox, KEY_STATE);
    }
    if (!stored) throw new Error('could not establish the widget signing key');
    const key = Buffer.from(stored, 'base64url');
    this.keys.set(inbox.id, key);
    return key;
  }

  /** Someone can answer now: inside business hours and at least one member online. */
  async online(w: WidgetInbox, at = new Date()): Promise<boolean> {
    let open = true;
    try { open = isOpen(w.businessHours ?? null, at); } catch { open = true; }
    if (!open) return false;
    return (await this.runtime.availableAgents(w.inbox)).length > 0;
  }
}
