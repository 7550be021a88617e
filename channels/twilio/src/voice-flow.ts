import twilio from 'twilio';
import type { InboundCall } from '@parley/channel-kit';
import { DEFAULT_RING_SECONDS, MAX_DIAL_NUMBERS, webhookBase, type PhoneVoiceConfig } from './phone-config';

/**
 * The inbound call flow as pure functions: decide, render TwiML, describe what happened as call events.
 *
 *   /voice ──open & agents──▶ <Dial> agents ──action──▶ /voice/dial-result ──answered──▶ completed (+duration)
 *      │                                                   └──no-answer/busy/failed──▶ missed ─┐
 *      └──closed / voice off / nobody to ring──▶ missed ──────────────────────────────────────▶ voicemail <Record>
 *   <Record> ──action──▶ /voice/recorded, ──recordingStatusCallback──▶ /voice/recording-status   (same event)
 *            ──transcribeCallback──▶ /voice/transcription
 *
 * Every step URL carries the caller's number in its query: Twilio signs the full URL, so it is tamper-proof,
 * and some callbacks (recording status) do not repeat From.
 */
export type VoiceStep =
  | 'dial-result' | 'agent-answered' | 'recorded' | 'recording-status' | 'transcription'
  | 'bridge' | 'bridge-result' | 'call-status';

export function voiceStepUrl(publicUrl: string, inboxId: string, step: VoiceStep, query: Record<string, string>): string {
  const qs = new URLSearchParams(query).toString();
  return `${webhookBase(publicUrl, inboxId)}/voice/${step}${qs ? `?${qs}` : ''}`;
}

export type VoicemailReason = 'after-hours' | 'voice-disabled' | 'no-agents' | 'no-answer' | 'busy' | 'failed' | 'canceled';

export type InboundCallPlan =
  | { kind: 'dial'; numbers: string[]; ringSeconds: number }
  | { kind: 'voicemail'; reason: VoicemailReason };

/** Ring people only when voice is on, the inbox is open and someone has a phone to ring. */
export function planInboundCall(voice: PhoneVoiceConfig | undefined, open: boolean, agentPhones: readonly string[]): InboundCallPlan {
  if (!voice?.enabled) return { kind: 'voicemail', reason: 'voice-disabled' };
  if (!open) return { kind: 'voicemail', reason: 'after-hours' };
  const numbers = [...new Set([...agentPhones, ...(voice.agentNumbers ?? [])])].slice(0, MAX_DIAL_NUMBERS);
  if (numbers.length === 0) return { kind: 'voicemail', reason: 'no-agents' };
  return { kind: 'dial', numbers, ringSeconds: voice.ringSeconds ?? DEFAULT_RING_SECONDS };
}

const GREETINGS: Readonly<Record<VoicemailReason, string>> = {
  'after-hours': "Thanks for calling. We're closed right now. Please leave a message after the tone and we'll call you back.",
  'voice-disabled': "Thanks for calling. Please leave a message after the tone and we'll get back to you.",
  'no-agents': "Thanks for calling. Nobody is available to take your call. Please leave a message after the tone and we'll call you back.",
  'no-answer': "Sorry, nobody could take your call. Please leave a message after the tone and we'll call you back.",
  busy: "Sorry, all of us are busy. Please leave a message after the tone and we'll call you back.",
  failed: "Sorry, we could not connect your call. Please leave a message after the tone and we'll call you back.",
  canceled: "Sorry, nobody could take your call. Please leave a message after the tone and we'll call you back.",
};

export interface FlowContext { publicUrl: string; inboxId: string; caller: string }

export function dialTwiml(ctx: FlowContext, numbers: readonly string[], ringSeconds: number): string {
  const r = new twilio.twiml.VoiceResponse();
  const q = { caller: ctx.caller };
  // answerOnBridge: the caller keeps hearing ringback until an agent picks up, so an unanswered call is not billed
  // as answered and the voicemail greeting follows naturally.
  const dial = r.dial({
    action: voiceStepUrl(ctx.publicUrl, ctx.inboxId, 'dial-result', q), method: 'POST', timeout: ringSeconds, answerOnBridge: true,
  });
  for (const n of numbers) {
    dial.number({
      statusCallback: voiceStepUrl(ctx.publicUrl, ctx.inboxId, 'agent-answered', q), statusCallbackMethod: 'POST',
      statusCallbackEvent: ['answered'],
    }, n);
  }
  return r.toString();
}

export const VOICEMAIL_MAX_SECONDS = 180;

export function voicemailTwiml(ctx: FlowContext, reason: VoicemailReason): string {
  const r = new twilio.twiml.VoiceResponse();
  const q = { caller: ctx.caller };
  r.say(GREETINGS[reason]);
  r.record({
    action: voiceStepUrl(ctx.publicUrl, ctx.inboxId, 'recorded', q), method: 'POST',
    maxLength: VOICEMAIL_MAX_SECONDS, playBeep: true, timeout: 5, finishOnKey: '#',
    recordingStatusCallback: voiceStepUrl(ctx.publicUrl, ctx.inboxId, 'recording-status', q),
    recordingStatusCallbackMethod: 'POST', recordingStatusCallbackEvent: ['completed'],
    transcribe: true, transcribeCallback: voiceStepUrl(ctx.publicUrl, ctx.inboxId, 'transcription', q),
  });
  // Reached only when the caller recorded nothing: <Record> with an action never falls through otherwise.
  r.say('We did not get a message. Goodbye.');
  r.hangup();
  return r.toString();
}

export function goodbyeTwiml(text?: string): string {
  const r = new twilio.twiml.VoiceResponse();
  if (text) r.say(text);
  r.hangup();
  return r.toString();
}

/** Click-to-call, second leg: the agent has picked up; now ring the customer from the inbox's number. */
export function bridgeTwiml(ctx: { publicUrl: string; inboxId: string }, customer: string, callerId: string, ringSeconds: number): string {
  const r = new twilio.twiml.VoiceResponse();
  r.say('Connecting your call.');
  r.dial({
    callerId, timeout: ringSeconds, method: 'POST',
    action: voiceStepUrl(ctx.publicUrl, ctx.inboxId, 'bridge-result', { to: customer }),
  }).number(customer);
  return r.toString();
}

/** Dial outcomes Twilio reports in DialCallStatus. */
export function isAnswered(dialCallStatus: string | undefined): boolean {
  return dialCallStatus === 'completed' || dialCallStatus === 'answered';
}

export function missedReason(dialCallStatus: string | undefined): VoicemailReason {
  return dialCallStatus === 'busy' || dialCallStatus === 'failed' || dialCallStatus === 'canceled' ? dialCallStatus : 'no-answer';
}

/**
 * A call event whose externalId is the CallSid plus a per-phase key, so each phase (and each recording) is stored
 * once however often Twilio repeats a callback, and two different callbacks describing the same thing collapse.
 */
export function callEvent(
  inboxId: string, callSid: string, key: string, caller: string, phase: string, at: Date,
  extra: Partial<Pick<InboundCall, 'durationSec' | 'recordingUrl' | 'transcript' | 'opens'>> = {},
): InboundCall {
  return { type: 'call', inboxId, externalId: `${callSid}:${key}`, from: { type: 'phone', value: caller }, phase, at, ...extra };
}
