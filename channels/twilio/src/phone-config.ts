import { isIP } from 'node:net';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { ChannelConfigError, isPrivateAddress } from '@parley/channel-kit';

/** The `phone` inbox config (CONTRACT.md): one Twilio number, SMS/MMS and calls. */
export interface PhoneVoiceConfig {
  enabled: boolean;
  /** How long agents' phones ring before the caller goes to voicemail (Twilio allows 5..600). */
  ringSeconds?: number;
  /** Numbers rung in addition to the online agents' own phones. */
  agentNumbers?: string[];
}

export interface PhoneInboxConfig {
  accountSid: string;
  authToken: string;
  phoneNumber: string;
  voice?: PhoneVoiceConfig;
  /** Another API host (tests point it at a fake server); default https://api.twilio.com. */
  apiBaseUrl?: string;
}

export const TWILIO_API_BASE = 'https://api.twilio.com';
export const DEFAULT_RING_SECONDS = 20;
/** Twilio dials at most ten numbers in parallel inside one <Dial>. */
export const MAX_DIAL_NUMBERS = 10;

/** E.164 for anything libphonenumber can parse as a possible international number, else null. */
export function toE164(raw: string): string | null {
  const parsed = parsePhoneNumberFromString(raw.trim());
  return parsed && parsed.isPossible() ? parsed.number : null;
}

/**
 * Sender identity as Twilio reports it. Short codes, alphanumeric senders and "anonymous" callers are not
 * E.164; they are kept verbatim so the same sender still maps to the same contact.
 */
export function senderValue(raw: string): string {
  return toE164(raw) ?? raw.trim();
}

/** The webhook URLs to configure on the Twilio number; the core shows them after creating the inbox. */
export function twilioWebhookUrls(publicUrl: string, inboxId: string): { sms: string; voice: string; status: string } {
  const base = webhookBase(publicUrl, inboxId);
  return { sms: `${base}/sms`, voice: `${base}/voice`, status: `${base}/status` };
}

export function webhookBase(publicUrl: string, inboxId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/webhooks/twilio/${encodeURIComponent(inboxId)}`;
}

function requireString(o: Record<string, unknown>, field: string, hint: string): string {
  const v = o[field];
  if (typeof v !== 'string' || v.trim() === '') throw new ChannelConfigError(field, `${field} is required (${hint})`);
  return v.trim();
}

function phoneField(raw: unknown, field: string): string {
  if (typeof raw !== 'string' || raw.trim() === '') throw new ChannelConfigError(field, `${field} is required (an E.164 number like +14155550100)`);
  const e164 = toE164(raw);
  if (!e164) throw new ChannelConfigError(field, `${field} "${raw}" is not a phone number in international format (+<country code><number>)`);
  return e164;
}

/**
 * Synchronous part of the SSRF guard: the port's validateConfig is synchronous, so DNS-based checks
 * (assertPublicUrl) run again before every request to the host (see twilio-client.factory.ts).
 */
function apiBaseUrlField(raw: unknown, allowPrivateUrls: boolean): string {
  const field = 'apiBaseUrl';
  if (typeof raw !== 'string' || raw.trim() === '') throw new ChannelConfigError(field, `${field} must be a URL`);
  let url: URL;
  try { url = new URL(raw.trim()); } catch { throw new ChannelConfigError(field, `${field} is not a valid URL`); }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ChannelConfigError(field, `${field} must be an http or https URL`);
  if (url.username || url.password) throw new ChannelConfigError(field, `${field} must not contain credentials`);
  if (url.search || url.hash) throw new ChannelConfigError(field, `${field} must not have a query or fragment`);
  if (!allowPrivateUrls) {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) && isPrivateAddress(host))) {
      throw new ChannelConfigError(field, `${field} points to a private or loopback address`);
    }
  }
  return url.href.replace(/\/+$/, '');
}

export function validatePhoneConfig(input: unknown, ctx: { allowPrivateUrls: boolean }): PhoneInboxConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ChannelConfigError('config', 'config must be an object with accountSid, authToken and phoneNumber');
  }
  const o = input as Record<string, unknown>;
  const accountSid = requireString(o, 'accountSid', 'the Twilio Account SID, AC followed by 32 hex characters');
  if (!/^AC[0-9a-fA-F]{32}$/.test(accountSid)) {
    throw new ChannelConfigError('accountSid', 'accountSid must be a Twilio Account SID: AC followed by 32 hex characters');
  }
  const authToken = requireString(o, 'authToken', "the Twilio account's auth token");
  if (/\s/.test(authToken)) throw new ChannelConfigError('authToken', 'authToken must not contain whitespace');
  const config: PhoneInboxConfig = { accountSid, authToken, phoneNumber: phoneField(o.phoneNumber, 'phoneNumber') };

  if (o.voice !== undefined && o.voice !== null) {
    if (typeof o.voice !== 'object' || Array.isArray(o.voice)) throw new ChannelConfigError('voice', 'voice must be an object {enabled, ringSeconds?, agentNumbers?}');
    const v = o.voice as Record<string, unknown>;
    if (typeof v.enabled !== 'boolean') throw new ChannelConfigError('voice.enabled', 'voice.enabled must be true or false');
    const voice: PhoneVoiceConfig = { enabled: v.enabled };
    if (v.ringSeconds !== undefined && v.ringSeconds !== null) {
      if (typeof v.ringSeconds !== 'number' || !Number.isInteger(v.ringSeconds) || v.ringSeconds < 5 || v.ringSeconds > 600) {
        throw new ChannelConfigError('voice.ringSeconds', 'voice.ringSeconds must be a whole number of seconds between 5 and 600');
      }
      voice.ringSeconds = v.ringSeconds;
    }
    if (v.agentNumbers !== undefined && v.agentNumbers !== null) {
      if (!Array.isArray(v.agentNumbers)) throw new ChannelConfigError('voice.agentNumbers', 'voice.agentNumbers must be a list of phone numbers');
      if (v.agentNumbers.length > MAX_DIAL_NUMBERS) {
        throw new ChannelConfigError('voice.agentNumbers', `voice.agentNumbers may hold at most ${MAX_DIAL_NUMBERS} numbers (Twilio rings ten at once)`);
      }
      voice.agentNumbers = [...new Set(v.agentNumbers.map((n, i) => phoneField(n, `voice.agentNumbers[${i}]`)))];
    }
    config.voice = voice;
  }
  if (o.apiBaseUrl !== undefined && o.apiBaseUrl !== null && o.apiBaseUrl !== '') {
    config.apiBaseUrl = apiBaseUrlField(o.apiBaseUrl, ctx.allowPrivateUrls);
  }
  return config;
}
