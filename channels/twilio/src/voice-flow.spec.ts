import { describe, expect, it } from 'vitest';
import { rewriteTwilioUrl } from './twilio-client.factory';
import { missedReason, planInboundCall, voiceStepUrl } from './voice-flow';

describe('planInboundCall', () => {
  const voice = { enabled: true, agentNumbers: ['+14155550188'] };
  it('rings online agents plus desk numbers, deduplicated, with the default ring time', () => {
    expect(planInboundCall(voice, true, ['+14155550177', '+14155550188'])).toEqual({
      kind: 'dial', numbers: ['+14155550177', '+14155550188'], ringSeconds: 20,
    });
  });
  it('caps the numbers at ten (Twilio dials at most ten at once)', () => {
    const many = Array.from({ length: 12 }, (_, i) => `+1415555${String(1000 + i)}`);
    const plan = planInboundCall({ enabled: true }, true, many);
    expect(plan.kind === 'dial' && plan.numbers).toHaveLength(10);
  });
  it('goes to voicemail when voice is off, the inbox is closed or nobody can be rung', () => {
    expect(planInboundCall(undefined, true, ['+14155550177'])).toEqual({ kind: 'voicemail', reason: 'voice-disabled' });
    expect(planInboundCall({ enabled: false }, true, ['+14155550177'])).toEqual({ kind: 'voicemail', reason: 'voice-disabled' });
    expect(planInboundCall(voice, false, ['+14155550177'])).toEqual({ kind: 'voicemail', reason: 'after-hours' });
    expect(planInboundCall({ enabled: true }, true, [])).toEqual({ kind: 'voicemail', reason: 'no-agents' });
  });
  it('maps dial outcomes to missed reasons', () => {
    expect(missedReason('busy')).toBe('busy');
    expect(missedReason('no-answer')).toBe('no-answer');
    expect(missedReason(undefined)).toBe('no-answer');
  });
});

describe('URLs', () => {
  it('puts step parameters in the (signed) query', () => {
    expect(voiceStepUrl('https://hub.example.com', 'ibx', 'dial-result', { caller: '+14155550123' }))
      .toBe('https://hub.example.com/webhooks/twilio/ibx/voice/dial-result?caller=%2B14155550123');
  });
  it('rewrites only api.twilio.com URLs onto apiBaseUrl', () => {
    expect(rewriteTwilioUrl('https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?x=1', 'http://127.0.0.1:9/base/'))
      .toBe('http://127.0.0.1:9/base/2010-04-01/Accounts/AC1/Messages.json?x=1');
    expect(rewriteTwilioUrl('https://media.example.com/x', 'http://127.0.0.1:9')).toBe('https://media.example.com/x');
    expect(rewriteTwilioUrl('https://api.twilio.com/x', undefined)).toBe('https://api.twilio.com/x');
  });
});
