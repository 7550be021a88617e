import { Injectable } from '@nestjs/common';
import { assertPublicUrl, isPrivateAddress, ChannelConfigError, ChannelSendError, type ChannelAdapter, type OutboundMessage, type SendContext } from '@parley/channel-kit';
import { signPayload } from './api-signature';

export interface ApiChannelConfig { callbackUrl?: string }
const TIMEOUT_MS = 10_000;

/**
 * The plain API channel, the reference every other channel copies: inbound through a bearer-token route,
 * outbound as a signed POST to the integrator's callbackUrl. Delivery is at least once; receivers dedupe on
 * deliveryId, which stays the same across retries and restarts.
 */
@Injectable()
export class ApiChannelAdapter implements ChannelAdapter<ApiChannelConfig> {
  readonly kind = 'api' as const;
  readonly capabilities = { attachments: true, typing: false, readReceipts: false };
  readonly secretKeys = [] as const;

  validateConfig(config: unknown, ctx: { allowPrivateUrls: boolean }): ApiChannelConfig {
    const c = (config ?? {}) as Record<string, unknown>;
    const unknownKeys = Object.keys(c).filter((k) => k !== 'callbackUrl');
    if (unknownKeys.length) throw new ChannelConfigError(unknownKeys[0], 'is not a setting of the api channel');
    if (c.callbackUrl === undefined || c.callbackUrl === null || c.callbackUrl === '') return {};
    if (typeof c.callbackUrl !== 'string') throw new ChannelConfigError('callbackUrl', 'must be a URL string');
    try { new URL(c.callbackUrl); } catch { throw new ChannelConfigError('callbackUrl', 'is not a valid URL'); }
    if (!/^https?:/.test(c.callbackUrl)) throw new ChannelConfigError('callbackUrl', 'must be an http or https URL');
    // The full SSRF check resolves DNS, so it runs again right before each send; here the literal host is checked.
    const host = new URL(c.callbackUrl).hostname.replace(/^\[|\]$/g, '');
    if (!ctx.allowPrivateUrls && (host === 'localhost' || isPrivateAddress(host))) throw new ChannelConfigError('callbackUrl', 'points to a private or loopback address');
    return { callbackUrl: c.callbackUrl };
  }

  async send(ctx: SendContext<ApiChannelConfig>, msg: OutboundMessage): Promise<{ externalId: string }> {
    const url = ctx.config.callbackUrl;
    if (!url) return { externalId: msg.deliveryId }; // no callback: the integrator polls the API; nothing to push
    try { await assertPublicUrl(url, !!ctx.allowPrivateUrls); } catch (e) {
      throw new ChannelSendError(`callbackUrl refused: ${(e as Error).message}`, false);
    }
    if (!ctx.inbox.inboxToken) throw new ChannelSendError('inbox has no token to sign with', false);
    const body = JSON.stringify({
      deliveryId: msg.deliveryId, inboxId: ctx.inbox.id, conversationId: msg.conversationId,
      contact: { id: msg.contact.id, identifier: msg.contact.identifier },
      message: { id: msg.id, text: msg.text, attachments: msg.attachments.map((a) => ({ id: a.id, name: a.name, contentType: a.contentType, size: a.size })), createdAt: msg.createdAt },
    });
    const ts = Math.floor(Date.now() / 1000);
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST', body, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS),
        headers: { 'content-type': 'application/json', 'user-agent': 'Parley-Webhook/1', 'x-parley-timestamp': String(ts), 'x-parley-signature': signPayload(ctx.inbox.inboxToken, ts, body), 'x-parley-delivery-id': msg.deliveryId },
      });
    } catch (e) {
      throw new ChannelSendError(`callback unreachable: ${(e as Error).message}`, true);
    }
    await res.body?.cancel().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { externalId: msg.deliveryId };
    // 4xx (but 408/429) is the receiver saying no: retrying will not change its mind.
    const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
    throw new ChannelSendError(`callback answered HTTP ${res.status}`, retryable);
  }
}
