import { describe, expect, it } from 'vitest';
import { optOutKeyword, parseInboundSms } from './sms-inbound';

describe('optOutKeyword', () => {
  it.each(['STOP', 'stop', ' Stop\n', 'STOPALL', 'unsubscribe', 'CANCEL', 'end', 'Quit'])('%j opts out', (body) => {
    expect(optOutKeyword(body)).toBe(true);
  });
  it.each(['START', 'yes', 'UnStop'])('%j opts back in', (body) => {
    expect(optOutKeyword(body)).toBe(false);
  });
  it.each(['stop please', 'STOP!', '', undefined, 'hello'])('%j is an ordinary message', (body) => {
    expect(optOutKeyword(body)).toBeUndefined();
  });
  it("trusts Twilio's OptOutType (custom keywords under Advanced Opt-Out)", () => {
    expect(optOutKeyword('ARRET', 'STOP')).toBe(true);
    expect(optOutKeyword('commencer', 'START')).toBe(false);
    expect(optOutKeyword('INFO', 'HELP')).toBeUndefined();
  });
});

describe('parseInboundSms', () => {
  it('lists media with their content types and ignores fields past NumMedia', () => {
    const me = `ME${'a'.repeat(32)}`;
    const parsed = parseInboundSms({
      MessageSid: 'MM1', From: '+14155550123', To: '+14155550100', Body: '', NumMedia: '1',
      MediaUrl0: `https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/${me}`, MediaContentType0: 'image/png',
      MediaUrl1: 'https://evil.example/x',
    }, 'ibx', new Date(0));
    expect(parsed?.media).toEqual([{ url: expect.stringContaining(me), contentType: 'image/png', sid: me }]);
    expect(parsed?.message).toMatchObject({ externalId: 'MM1', from: { type: 'phone', value: '+14155550123' }, attachments: [] });
  });

  it('returns null without a MessageSid or sender', () => {
    expect(parseInboundSms({ From: '+14155550123', Body: 'x' }, 'ibx', new Date())).toBeNull();
    expect(parseInboundSms({ MessageSid: 'SM1', Body: 'x' }, 'ibx', new Date())).toBeNull();
  });
});
