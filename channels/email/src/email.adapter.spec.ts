import { describe, expect, it } from 'vitest';
import type { OutboundMessage, SendContext } from '@parley/channel-kit';
import { composeEmail } from './email.adapter';
import type { EmailInboxConfig } from './email-config';
import { smtpErrorInfo } from './mail-errors';

const ctx: SendContext<EmailInboxConfig> = {
  inbox: { id: 'inbox-1', workspaceId: 'ws', name: 'ACME Support', channel: 'email' },
  config: {
    address: 'support@acme.example',
    imap: { host: 'imap.acme.example', port: 993, secure: true, user: 'u', pass: 'p' },
    smtp: { host: 'smtp.acme.example', port: 465, secure: true, user: 'u', pass: 'p' },
  },
};

function msg(over: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: 'm1', deliveryId: 'd1', conversationId: 'conv42', text: 'Hi <Anna>,\nit ships today.', attachments: [],
    createdAt: new Date().toISOString(),
    contact: { id: 'c1', name: 'Anna', identifier: null, email: 'anna@example.org', phone: null },
    ...over,
  };
}

describe('composeEmail', () => {
  it('replies in thread: token Message-ID, In-Reply-To, References ending with the parent, one "Re:"', () => {
    const m = composeEmail(ctx, msg({
      author: { name: 'Bob' },
      thread: { subject: 'Order question', inReplyTo: '<c@x>', references: ['<a@x>', '<b@x>'] },
    }), 'anna@example.org');
    expect(m.messageId).toMatch(/^<parley\.conv42\.[0-9a-f]{24}@acme\.example>$/);
    expect(m.inReplyTo).toBe('<c@x>');
    expect(m.references).toEqual(['<a@x>', '<b@x>', '<c@x>']);
    expect(m.subject).toBe('Re: Order question');
    expect(m.from).toEqual({ name: 'Bob via ACME Support', address: 'support@acme.example' });
    expect(m.to).toEqual({ name: 'Anna', address: 'anna@example.org' });
    expect(m.html).toBe('<div>Hi &lt;Anna&gt;,<br>\nit ships today.</div>');
  });

  it('does not stack reply prefixes', () => {
    for (const s of ['Re: Order', 'RE: Order', 'Aw: Order', 'Re[2]: Order']) {
      expect(composeEmail(ctx, msg({ thread: { subject: s, inReplyTo: '<c@x>' } }), 'a@b.c').subject).toBe(s);
    }
  });

  it('starts a new thread with the subject as given and no threading headers', () => {
    const m = composeEmail(ctx, msg({ thread: { subject: 'Your invoice' } }), 'anna@example.org');
    expect(m.subject).toBe('Your invoice');
    expect(m.inReplyTo).toBeUndefined();
    expect(m.references).toBeUndefined();
    expect(m.from).toEqual({ name: 'ACME Support', address: 'support@acme.example' });
  });

  it('drops our sha256 fallback ids from threading headers', () => {
    const m = composeEmail(ctx, msg({ thread: { subject: 's', inReplyTo: 'sha256:abc', references: ['sha256:abc', '<ok@x>'] } }), 'a@b.c');
    expect(m.inReplyTo).toBeUndefined();
    expect(m.references).toEqual(['<ok@x>']);
  });

  it('is stable across retries of one delivery', () => {
    expect(composeEmail(ctx, msg(), 'a@b.c').messageId).toBe(composeEmail(ctx, msg(), 'a@b.c').messageId);
  });
});

describe('smtpErrorInfo', () => {
  it('classifies SMTP answers and transport failures', () => {
    expect(smtpErrorInfo({ responseCode: 550, response: '550 5.1.1 User unknown', code: 'EENVELOPE' })).toEqual({ message: '550 5.1.1 User unknown', retryable: false, code: '550' });
    expect(smtpErrorInfo({ responseCode: 451, response: '451 4.7.1 Try again later' })).toMatchObject({ retryable: true, code: '451' });
    expect(smtpErrorInfo({ responseCode: 535, response: '535 Authentication failed', code: 'EAUTH' })).toMatchObject({ retryable: false });
    expect(smtpErrorInfo(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET' }))).toMatchObject({ retryable: true });
    expect(smtpErrorInfo(Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' }))).toMatchObject({ retryable: false });
  });
});
