import { Inject, Injectable } from '@nestjs/common';
import {
  CHANNEL_RUNTIME, ChannelSendError,
  type ChannelAdapter, type ChannelCapabilities, type ChannelRuntime, type OutboundMessage, type SendContext, type SendResult,
} from '@parley/channel-kit';
import { toE164, twilioWebhookUrls, validatePhoneConfig, DEFAULT_RING_SECONDS, type PhoneInboxConfig } from './phone-config';
import { TwilioClientFactory } from './twilio-client.factory';
import { toChannelSendError } from './twilio-errors';
import { voiceStepUrl } from './voice-flow';

/** Twilio accepts ten media URLs per message. */
const MAX_MEDIA = 10;

export interface StartCallRequest { agentNumber: string; customerNumber: string; conversationId: string }

/** Adapters that can place a phone call (click-to-call). */
export interface CallCapableAdapter {
  startCall(ctx: SendContext<PhoneInboxConfig>, req: StartCallRequest): Promise<{ externalId: string }>;
}

export function isCallCapable(adapter: unknown): adapter is CallCapableAdapter {
  return typeof adapter === 'object' && adapter !== null && typeof (adapter as { startCall?: unknown }).startCall === 'function';
}

@Injectable()
export class TwilioAdapter implements ChannelAdapter<PhoneInboxConfig>, CallCapableAdapter {
  readonly kind = 'phone' as const;
  // SMS has no typing or read receipts; Twilio's "read" status only exists for WhatsApp/RCS senders.
  readonly capabilities: ChannelCapabilities = { attachments: true, typing: false, readReceipts: false };
  readonly secretKeys = ['authToken'] as const;

  constructor(
    @Inject(CHANNEL_RUNTIME) private readonly runtime: ChannelRuntime,
    private readonly clients: TwilioClientFactory,
  ) {}

  validateConfig(config: unknown, ctx: { allowPrivateUrls: boolean }): PhoneInboxConfig {
    return validatePhoneConfig(config, ctx);
  }

  /** What the admin pastes into the Twilio number's configuration. */
  webhookUrls(publicUrl: string, inboxId: string): { sms: string; voice: string; status: string } {
    return twilioWebhookUrls(publicUrl, inboxId);
  }

  /** Credentials work, the account is active and the number belongs to it. */
  async testConnection(config: PhoneInboxConfig): Promise<{ ok: boolean; error?: string; details?: Record<string, unknown> }> {
    try {
      const client = await this.clients.client(config);
      const account = await client.api.v2010.accounts(config.accountSid).fetch();
      if (account.status !== 'active') return { ok: false, error: `the Twilio account is ${account.status}` };
      const [number] = await client.incomingPhoneNumbers.list({ phoneNumber: config.phoneNumber, limit: 1 });
      if (!number) return { ok: false, error: `${config.phoneNumber} is not a phone number of this Twilio account` };
      return {
        ok: true,
        details: { account: account.friendlyName, capabilities: number.capabilities, smsUrl: number.smsUrl, voiceUrl: number.voiceUrl },
      };
    } catch (err) {
      return { ok: false, error: toChannelSendError(err).message };
    }
  }

  async send(ctx: SendContext<PhoneInboxConfig>, msg: OutboundMessage): Promise<SendResult> {
    const rawTo = msg.contact.phone ?? msg.contact.identifier;
    const to = rawTo ? toE164(rawTo) : null;
    if (!to) throw new ChannelSendError(`contact has no phone number to text${rawTo ? ` ("${rawTo}" is not one)` : ''}`, false, 'no_recipient');
    const missingUrl = msg.attachments.find((a) => !a.url);
    if (missingUrl) throw new ChannelSendError(`attachment ${missingUrl.name} has no public URL Twilio could fetch`, false, 'attachment_unreachable');
    if (msg.attachments.length > MAX_MEDIA) throw new ChannelSendError(`MMS carries at most ${MAX_MEDIA} attachments`, false, 'too_many_attachments');
    const mediaUrl = msg.attachments.map((a) => a.url as string);
    const body = msg.text.trim() === '' ? undefined : msg.text;
    if (!body && mediaUrl.length === 0) throw new ChannelSendError('nothing to send: the message has no text and no attachments', false, 'empty_message');

    try {
      const client = await this.clients.client(ctx.config);
      const sent = await client.messages.create({
        from: ctx.config.phoneNumber,
        to,
        ...(body ? { body } : {}),
        ...(mediaUrl.length > 0 ? { mediaUrl } : {}),
        statusCallback: twilioWebhookUrls(this.runtime.publicUrl(), ctx.inbox.id).status,
      });
      // Twilio only queued it: 'sent' and later statuses arrive on the status callback.
      return { externalId: sent.sid, meta: { twilioStatus: sent.status } };
    } catch (err) {
      throw toChannelSendError(err);
    }
  }

  /**
   * Click-to-call: Twilio rings the agent first (from the inbox's number); when they answer, the bridge step
   * dials the customer with the inbox's number as caller id. Resolves with the agent leg's CallSid.
   */
  async startCall(ctx: SendContext<PhoneInboxConfig>, req: StartCallRequest): Promise<{ externalId: string }> {
    if (!ctx.config.voice?.enabled) throw new ChannelSendError('voice is not enabled on this inbox', false, 'voice_disabled');
    const agent = toE164(req.agentNumber);
    if (!agent) throw new ChannelSendError(`agent number "${req.agentNumber}" is not a phone number in international format`, false, 'bad_agent_number');
    const customer = toE164(req.customerNumber);
    if (!customer) throw new ChannelSendError(`customer number "${req.customerNumber}" is not a phone number in international format`, false, 'no_recipient');
    const publicUrl = this.runtime.publicUrl();
    const query = { to: customer, conversationId: req.conversationId };
    try {
      const client = await this.clients.client(ctx.config);
      const call = await client.calls.create({
        from: ctx.config.phoneNumber,
        to: agent,
        url: voiceStepUrl(publicUrl, ctx.inbox.id, 'bridge', query),
        method: 'POST',
        timeout: ctx.config.voice.ringSeconds ?? DEFAULT_RING_SECONDS,
        statusCallback: voiceStepUrl(publicUrl, ctx.inbox.id, 'call-status', query),
        statusCallbackMethod: 'POST',
        statusCallbackEvent: ['completed'],
      });
      return { externalId: call.sid };
    } catch (err) {
      throw toChannelSendError(err);
    }
  }
}
