import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { CHANNEL_KINDS } from '@parley/contracts';
import { ChannelConfigError, ChannelSendError, type ChannelAdapter, type InboxRef, type OutboundMessage } from '../src';

/** What a channel's spec provides so the shared contract can exercise its adapter against a real or fake peer. */
export interface AdapterHarness<C> {
  adapter: ChannelAdapter<C>;
  inbox: InboxRef;
  validConfig: unknown;
  /** Configs that must be refused, with the field the error must name. */
  invalidConfigs: Array<{ config: unknown; field: string }>;
  /** A message addressed to a recipient the peer accepts. */
  message(): OutboundMessage;
  /** Did the peer receive this message (as sent with the returned externalId)? */
  received(externalId: string, msg: OutboundMessage): Promise<boolean>;
  /** Makes the peer refuse the next send permanently (a 4xx-like answer). */
  refuseNext(): void;
  close(): Promise<void>;
}

export function baseMessage(over: Partial<OutboundMessage> = {}): OutboundMessage {
  const id = `m-${Math.random().toString(36).slice(2)}`;
  return {
    id, deliveryId: `d_${id}`, conversationId: 'conv-1', text: 'Hello from the contract suite', attachments: [], createdAt: new Date().toISOString(),
    contact: { id: 'contact-1', name: 'Ana', identifier: null, email: null, phone: null }, thread: { subject: 'Contract', inReplyTo: null, references: [] },
    author: { id: 'u-1', name: 'Agent' }, ...over,
  };
}

/**
 * The contract every channel adapter passes (DESIGN §2: "adding a channel is one folder, one registration, the
 * contract suite green"): honest kind and capabilities, write-only secrets declared, bad config refused by
 * field, a send that reaches the peer and names its externalId, and a permanent refusal that is not retried.
 */
export function describeAdapterContract<C>(name: string, makeHarness: () => Promise<AdapterHarness<C>>): void {
  describe(`channel adapter contract: ${name}`, () => {
    let h: AdapterHarness<C>;
    beforeAll(async () => { h = await makeHarness(); });
    afterAll(async () => { await h?.close(); });

    it('declares a known kind, its capabilities and its secret keys', () => {
      expect(CHANNEL_KINDS).toContain(h.adapter.kind);
      expect(typeof h.adapter.capabilities.attachments).toBe('boolean');
      expect(typeof h.adapter.capabilities.typing).toBe('boolean');
      expect(typeof h.adapter.capabilities.readReceipts).toBe('boolean');
      expect(Array.isArray(h.adapter.secretKeys)).toBe(true);
    });

    it('accepts a valid config and keeps its secrets', async () => {
      const c = await Promise.resolve(h.adapter.validateConfig(h.validConfig, { allowPrivateUrls: true }));
      expect(c).toBeTypeOf('object');
      for (const key of h.adapter.secretKeys) {
        const v = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], c);
        expect(v, `secret ${key} survives validation`).toBeDefined();
      }
    });

    it('refuses bad configs, naming the field', async () => {
      for (const bad of h.invalidConfigs) {
        let err: unknown;
        try { await Promise.resolve(h.adapter.validateConfig(bad.config, { allowPrivateUrls: false })); } catch (e) { err = e; }
        expect(err, JSON.stringify(bad.config)).toBeInstanceOf(ChannelConfigError);
        expect((err as ChannelConfigError).field).toBe(bad.field);
      }
    });

    it('sends a message that reaches the peer and returns its externalId', async () => {
      const config = await Promise.resolve(h.adapter.validateConfig(h.validConfig, { allowPrivateUrls: true }));
      const msg = h.message();
      const r = await h.adapter.send({ inbox: h.inbox, config, allowPrivateUrls: true }, msg);
      expect(r.externalId).toEqual(expect.any(String));
      expect(await h.received(r.externalId, msg)).toBe(true);
    });

    it('reports a permanent refusal as a non-retryable ChannelSendError', async () => {
      const config = await Promise.resolve(h.adapter.validateConfig(h.validConfig, { allowPrivateUrls: true }));
      h.refuseNext();
      let err: unknown;
      try { await h.adapter.send({ inbox: h.inbox, config, allowPrivateUrls: true }, h.message()); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(ChannelSendError);
      expect((err as ChannelSendError).retryable).toBe(false);
    });
  });
}
