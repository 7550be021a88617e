import { Injectable } from '@nestjs/common';
import { assertPublicUrl, type InboundAttachment } from '@parley/channel-kit';
import { TWILIO_API_BASE, type PhoneInboxConfig } from './phone-config';
import type { InboundMedia } from './sms-inbound';
import { rewriteTwilioUrl } from './twilio-client.factory';

const MAX_BYTES = 16 * 1024 * 1024;
const TIMEOUT_MS = 8_000;
const MAX_REDIRECTS = 5;

const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp', 'image/heic': 'heic',
  'video/mp4': 'mp4', 'video/3gpp': '3gp', 'audio/mpeg': 'mp3', 'audio/amr': 'amr', 'audio/ogg': 'ogg',
  'text/vcard': 'vcf', 'text/x-vcard': 'vcf', 'text/plain': 'txt', 'application/pdf': 'pdf',
};

export interface MediaFetchResult { attachments: InboundAttachment[]; failures: Array<{ url: string; error: string }> }

/**
 * Downloads MMS media. Twilio's media URLs need the account's Basic auth and redirect to a CDN; credentials
 * go only to Twilio's API host (or apiBaseUrl standing in for it), and every hop is checked against private
 * addresses unless the hub allows them.
 */
@Injectable()
export class TwilioMediaFetcher {
  async fetchAll(media: readonly InboundMedia[], config: PhoneInboxConfig, allowPrivateUrls: boolean): Promise<MediaFetchResult> {
    const results = await Promise.allSettled(media.map((m, i) => this.fetchOne(m, i, config, allowPrivateUrls)));
    const out: MediaFetchResult = { attachments: [], failures: [] };
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') out.attachments.push(r.value);
      else out.failures.push({ url: media[i].url, error: r.reason instanceof Error ? r.reason.message : String(r.reason) });
    });
    return out;
  }

  private async fetchOne(m: InboundMedia, index: number, config: PhoneInboxConfig, allowPrivateUrls: boolean): Promise<InboundAttachment> {
    const original = new URL(m.url);
    const onTwilio = original.origin === TWILIO_API_BASE;
    let url = new URL(onTwilio ? rewriteTwilioUrl(m.url, config.apiBaseUrl) : m.url);
    const authOrigin = onTwilio ? url.origin : null;
    const authorization = `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString('base64')}`;
    const signal = AbortSignal.timeout(TIMEOUT_MS);

    for (let hop = 0; ; hop++) {
      try { await assertPublicUrl(url.href, allowPrivateUrls); } catch (err) { throw new Error(`media URL ${url.host}: ${(err as Error).message}`); }
      const headers: Record<string, string> = {};
      if (url.origin === authOrigin) headers.authorization = authorization;
      const res = await fetch(url, { headers, redirect: 'manual', signal });
      if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
        await res.body?.cancel();
        if (hop >= MAX_REDIRECTS) throw new Error('too many redirects');
        url = new URL(res.headers.get('location')!, url);
        continue;
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new Error(`HTTP ${res.status} fetching media`);
      }
      const declared = Number(res.headers.get('content-length') ?? '0');
      if (declared > MAX_BYTES) {
        await res.body?.cancel();
        throw new Error(`media larger than ${MAX_BYTES} bytes`);
      }
      const data = Buffer.from(await res.arrayBuffer());
      if (data.length > MAX_BYTES) throw new Error(`media larger than ${MAX_BYTES} bytes`);
      const contentType = (m.contentType ?? res.headers.get('content-type') ?? 'application/octet-stream').split(';')[0].trim().toLowerCase();
      const name = `${m.sid ?? `media-${index + 1}`}.${EXTENSIONS[contentType] ?? 'bin'}`;
      return { name, contentType, data };
    }
  }
}
