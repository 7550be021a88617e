import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type TwilioResponse from 'twilio/lib/http/response';
import { assertPublicUrl, CHANNEL_RUNTIME, ChannelSendError, type ChannelRuntime } from '@parley/channel-kit';
import { TWILIO_API_BASE, type PhoneInboxConfig } from './phone-config';

const REQUEST_TIMEOUT_MS = 15_000;

/**
 * The SDK's supported extension point (ClientOpts.httpClient): every REST call goes through `request`, so
 * rewriting the origin here points one client at apiBaseUrl without touching globals or other clients.
 */
export class BaseUrlRequestClient extends twilio.RequestClient {
  constructor(private readonly apiBaseUrl: string | undefined) {
    super({ timeout: REQUEST_TIMEOUT_MS, keepAlive: true });
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<TwilioResponse<TData>> {
    return super.request({ ...opts, uri: rewriteTwilioUrl(opts.uri, this.apiBaseUrl) });
  }
}

/** Moves an api.twilio.com URL onto apiBaseUrl (same path and query); other URLs are left alone. */
export function rewriteTwilioUrl(uri: string, apiBaseUrl: string | undefined): string {
  if (!apiBaseUrl) return uri;
  const u = new URL(uri);
  if (u.origin !== TWILIO_API_BASE) return uri;
  return `${apiBaseUrl.replace(/\/+$/, '')}${u.pathname}${u.search}`;
}

const CACHE_LIMIT = 200;
const URL_CHECK_TTL_MS = 60_000;

/** One SDK client per credential set and API host, reused across sends (keeps connections alive). */
@Injectable()
export class TwilioClientFactory {
  private readonly clients = new Map<string, twilio.Twilio>();
  private readonly checkedUrls = new Map<string, number>();

  constructor(@Inject(CHANNEL_RUNTIME) private readonly runtime: ChannelRuntime) {}

  async client(config: PhoneInboxConfig): Promise<twilio.Twilio> {
    if (config.apiBaseUrl) await this.assertApiBaseUrl(config.apiBaseUrl);
    const key = createHash('sha256').update(`${config.accountSid}\0${config.authToken}\0${config.apiBaseUrl ?? ''}`).digest('hex');
    let c = this.clients.get(key);
    if (!c) {
      if (this.clients.size >= CACHE_LIMIT) this.clients.delete(this.clients.keys().next().value as string);
      c = twilio(config.accountSid, config.authToken, { httpClient: new BaseUrlRequestClient(config.apiBaseUrl), autoRetry: false });
      this.clients.set(key, c);
    }
    return c;
  }

  /** The DNS half of the SSRF guard, which validateConfig (synchronous) cannot do. */
  private async assertApiBaseUrl(url: string): Promise<void> {
    const allowPrivate = this.runtime.allowPrivateUrls();
    const key = `${allowPrivate ? 'any' : 'public'}:${url}`;
    const checkedAt = this.checkedUrls.get(key);
    if (checkedAt !== undefined && Date.now() - checkedAt < URL_CHECK_TTL_MS) return;
    try {
      await assertPublicUrl(url, allowPrivate);
    } catch (err) {
      throw new ChannelSendError(`apiBaseUrl ${(err as Error).message}`, false, 'bad_api_base_url');
    }
    if (this.checkedUrls.size >= CACHE_LIMIT) this.checkedUrls.clear();
    this.checkedUrls.set(key, Date.now());
  }
}
