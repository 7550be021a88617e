import type { InboundMessage } from '@parley/channel-kit';
import { senderValue } from './phone-config';
import { intParam, param, type TwilioParams } from './twilio-params';

/** Twilio's default opt-out and opt-in keywords; carriers and Twilio act on them too, so must we. */
const OPT_OUT = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT']);
const OPT_IN = new Set(['START', 'YES', 'UNSTOP']);
/** Twilio allows ten media per MMS. */
const MAX_MEDIA = 10;

/**
 * true = opted out, false = opted back in, undefined = an ordinary message. The whole body must be the keyword
 * (Twilio's rule): "please stop calling me" is a message, not an opt-out.
 */
export function optOutKeyword(body: string | undefined, optOutType?: string): boolean | undefined {
  // Advanced Opt-Out tells us which of the account's (possibly custom) keywords matched.
  const type = optOutType?.trim().toUpperCase();
  if (type === 'STOP') return true;
  if (type === 'START') return false;
  const word = body?.trim().toUpperCase();
  if (!word) return undefined;
  if (OPT_OUT.has(word)) return true;
  if (OPT_IN.has(word)) return false;
  return undefined;
}

export interface InboundMedia { url: string; contentType?: string; sid?: string }

/** The message without its media bytes, plus where to fetch them (the controller downloads them). */
export function parseInboundSms(p: TwilioParams, inboxId: string, at: Date): { message: InboundMessage; media: InboundMedia[] } | null {
  const sid = param(p, 'MessageSid') ?? param(p, 'SmsMessageSid') ?? param(p, 'SmsSid');
  const from = param(p, 'From');
  if (!sid || !from) return null;
  const text = param(p, 'Body');
  const media: InboundMedia[] = [];
  const count = Math.min(intParam(p, 'NumMedia') ?? 0, MAX_MEDIA);
  for (let i = 0; i < count; i++) {
    const url = param(p, `MediaUrl${i}`);
    if (!url) continue;
    const contentType = param(p, `MediaContentType${i}`);
    media.push({ url, ...(contentType ? { contentType } : {}), ...(mediaSid(url) ? { sid: mediaSid(url) } : {}) });
  }
  const optOut = optOutKeyword(text, param(p, 'OptOutType'));
  const message: InboundMessage = {
    type: 'message',
    inboxId,
    externalId: sid,
    from: { type: 'phone', value: senderValue(from) },
    ...(text !== undefined ? { text } : {}),
    attachments: [],
    at,
    ...(optOut !== undefined ? { optOut } : {}),
    meta: { to: param(p, 'To') ?? null, ...(param(p, 'FromCountry') ? { fromCountry: param(p, 'FromCountry') } : {}) },
  };
  return { message, media };
}

function mediaSid(url: string): string | undefined {
  return /\/Media\/(ME[0-9a-fA-F]{32})/.exec(url)?.[1];
}
