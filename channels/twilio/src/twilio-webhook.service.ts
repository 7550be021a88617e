import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  CHANNEL_RUNTIME, INBOUND_SINK, isOpen,
  type ChannelRuntime, type InboundSink, type NormalizedInbound,
} from '@parley/channel-kit';
import { TwilioMediaFetcher } from './media-fetcher';
import { parseStatusCallback } from './message-status';
import { DEFAULT_RING_SECONDS, senderValue, toE164 } from './phone-config';
import { parseInboundSms } from './sms-inbound';
import { intParam, param } from './twilio-params';
import type { VerifiedTwilioRequest } from './twilio-signature.guard';
import {
  bridgeTwiml, callEvent, dialTwiml, goodbyeTwiml, isAnswered, missedReason, planInboundCall, voicemailTwiml,
  type FlowContext,
} from './voice-flow';

const FINAL_CALL_STATUSES = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled']);

/** What each Twilio webhook means for Parley. Requests arrive here already signature-checked. */
@Injectable()
export class TwilioWebhookService {
  private readonly logger = new Logger('TwilioWebhook');

  constructor(
    @Inject(INBOUND_SINK) private readonly sink: InboundSink,
    @Inject(CHANNEL_RUNTIME) private readonly runtime: ChannelRuntime,
    private readonly media: TwilioMediaFetcher,
  ) {}

  async sms(v: VerifiedTwilioRequest): Promise<void> {
    const { inbox, config } = v.resolved;
    const parsed = parseInboundSms(v.params, inbox.id, new Date());
    if (!parsed) return;
    const { message, media } = parsed;
    if (media.length > 0) {
      const fetched = await this.media.fetchAll(media, config, this.runtime.allowPrivateUrls());
      message.attachments = fetched.attachments;
      // Keep the text even when a download fails: Twilio does not redeliver, and the agent should know media is missing.
      if (fetched.failures.length > 0) {
        this.logger.warn(`inbox ${inbox.id}: ${fetched.failures.length} MMS media could not be fetched for ${message.externalId}`);
        message.meta = { ...message.meta, mediaFailed: fetched.failures };
      }
    }
    await this.sink.ingest(inbox.workspaceId, message);
  }

  async status(v: VerifiedTwilioRequest): Promise<void> {
    const event = parseStatusCallback(v.params, v.resolved.inbox.id, new Date());
    if (event) await this.sink.ingest(v.resolved.inbox.workspaceId, event);
  }

  async voice(v: VerifiedTwilioRequest): Promise<string> {
    const { inbox, config } = v.resolved;
    const callSid = param(v.params, 'CallSid');
    if (!callSid) return goodbyeTwiml();
    const ctx = this.flow(v);
    const now = new Date();
    const open = this.isOpen(v, now);
    const agentPhones = config.voice?.enabled && open ? await this.agentPhones(v) : [];
    const plan = planInboundCall(config.voice, open, agentPhones);
    if (plan.kind === 'dial') {
      await this.record(v, callEvent(inbox.id, callSid, 'ringing', ctx.caller, 'ringing', now));
      return dialTwiml(ctx, plan.numbers, plan.ringSeconds);
    }
    await this.record(v, callEvent(inbox.id, callSid, 'missed', ctx.caller, plan.reason, now, { opens: true }));
    return voicemailTwiml(ctx, plan.reason);
  }

  async dialResult(v: VerifiedTwilioRequest): Promise<string> {
    const callSid = param(v.params, 'CallSid');
    if (!callSid) return goodbyeTwiml();
    const ctx = this.flow(v);
    const status = param(v.params, 'DialCallStatus');
    if (isAnswered(status)) {
      const durationSec = intParam(v.params, 'DialCallDuration');
      await this.record(v, callEvent(ctx.inboxId, callSid, 'completed', ctx.caller, 'completed', new Date(), durationSec !== undefined ? { durationSec } : {}));
      return goodbyeTwiml();
    }
    const reason = missedReason(status);
    await this.record(v, callEvent(ctx.inboxId, callSid, 'missed', ctx.caller, reason, new Date(), { opens: true }));
    return voicemailTwiml(ctx, reason);
  }

  async agentAnswered(v: VerifiedTwilioRequest): Promise<void> {
    const parentSid = param(v.params, 'ParentCallSid');
    const status = param(v.params, 'CallStatus');
    if (!parentSid || (status !== 'in-progress' && status !== 'answered')) return;
    await this.record(v, callEvent(v.resolved.inbox.id, parentSid, 'answered', this.caller(v), 'answered', new Date()));
  }

  async recorded(v: VerifiedTwilioRequest): Promise<string> {
    await this.voicemail(v);
    return goodbyeTwiml("Thank you. We'll call you back. Goodbye.");
  }

  async recordingStatus(v: VerifiedTwilioRequest): Promise<void> {
    if (param(v.params, 'RecordingStatus') === 'completed') await this.voicemail(v);
  }

  async transcription(v: VerifiedTwilioRequest): Promise<void> {
    const callSid = param(v.params, 'CallSid');
    const recordingSid = param(v.params, 'RecordingSid');
    const transcript = param(v.params, 'TranscriptionText');
    if (!callSid || !recordingSid || !transcript || param(v.params, 'TranscriptionStatus') !== 'completed') return;
    const recordingUrl = param(v.params, 'RecordingUrl');
    await this.record(v, callEvent(v.resolved.inbox.id, callSid, `transcript:${recordingSid}`, this.caller(v), 'transcription', new Date(),
      { transcript, ...(recordingUrl ? { recordingUrl } : {}) }));
  }

  /** Click-to-call: the agent answered the first leg; connect them to the customer. */
  bridge(v: VerifiedTwilioRequest): string {
    const { inbox, config } = v.resolved;
    const customer = toE164(v.query.to ?? '');
    if (!customer) return goodbyeTwiml('Sorry, this call cannot be placed.');
    return bridgeTwiml({ publicUrl: this.runtime.publicUrl(), inboxId: inbox.id }, customer, config.phoneNumber,
      config.voice?.ringSeconds ?? DEFAULT_RING_SECONDS);
  }

  async bridgeResult(v: VerifiedTwilioRequest): Promise<string> {
    const callSid = param(v.params, 'CallSid');
    const customer = toE164(v.query.to ?? '');
    if (callSid && customer) {
      const status = param(v.params, 'DialCallStatus') ?? 'failed';
      const durationSec = intParam(v.params, 'DialCallDuration');
      await this.record(v, callEvent(v.resolved.inbox.id, callSid, 'outbound', customer,
        `outbound-${isAnswered(status) ? 'completed' : status}`, new Date(),
        isAnswered(status) && durationSec !== undefined ? { durationSec } : {}));
    }
    return goodbyeTwiml();
  }

  /** Click-to-call, agent leg status: only worth a line when the agent never got connected. */
  async callStatus(v: VerifiedTwilioRequest): Promise<void> {
    const callSid = param(v.params, 'CallSid');
    const status = param(v.params, 'CallStatus');
    const customer = toE164(v.query.to ?? '');
    if (!callSid || !customer || !status || !FINAL_CALL_STATUSES.has(status) || status === 'completed') return;
    await this.record(v, callEvent(v.resolved.inbox.id, callSid, 'agent-leg', customer, `agent-${status}`, new Date()));
  }

  private async voicemail(v: VerifiedTwilioRequest): Promise<void> {
    const callSid = param(v.params, 'CallSid');
    const recordingSid = param(v.params, 'RecordingSid');
    const recordingUrl = param(v.params, 'RecordingUrl');
    if (!callSid || !recordingSid || !recordingUrl) return;
    const durationSec = intParam(v.params, 'RecordingDuration');
    // The Record action and the recording status callback describe the same recording: one externalId, stored once.
    await this.record(v, callEvent(v.resolved.inbox.id, callSid, `voicemail:${recordingSid}`, this.caller(v), 'voicemail', new Date(),
      { recordingUrl, opens: true, ...(durationSec !== undefined ? { durationSec } : {}) }));
  }

  private flow(v: VerifiedTwilioRequest): FlowContext {
    return { publicUrl: this.runtime.publicUrl(), inboxId: v.resolved.inbox.id, caller: this.caller(v) };
  }

  private caller(v: VerifiedTwilioRequest): string {
    return senderValue(v.query.caller ?? param(v.params, 'From') ?? 'anonymous');
  }

  private isOpen(v: VerifiedTwilioRequest, at: Date): boolean {
    try {
      return isOpen(v.resolved.businessHours, at);
    } catch (err) {
      // A broken timezone must not drop calls: ring people, voicemail still catches what nobody answers.
      this.logger.warn(`inbox ${v.resolved.inbox.id}: business hours unusable (${(err as Error).message}); treating as open`);
      return true;
    }
  }

  private async agentPhones(v: VerifiedTwilioRequest): Promise<string[]> {
    const agents = await this.runtime.availableAgents(v.resolved.inbox);
    return agents.map((a) => (a.phone ? toE164(a.phone) : null)).filter((p): p is string => p !== null);
  }

  /** A call must go on even if storing its log line fails: the caller hears the flow, the error is logged. */
  private async record(v: VerifiedTwilioRequest, event: NormalizedInbound): Promise<void> {
    try {
      await this.sink.ingest(v.resolved.inbox.workspaceId, event);
    } catch (err) {
      this.logger.error(`inbox ${v.resolved.inbox.id}: could not store ${event.type} ${event.externalId}: ${(err as Error).message}`);
    }
  }
}
