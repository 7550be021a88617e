import { describe, expect, it } from 'vitest';
import type { InboundMessage, InboundStatus, NormalizedInbound } from '@parley/channel-kit';
import { parseInboundEmail } from './mail-parser';

const ctx = { inboxId: 'inbox-1', inboxAddress: 'support@example.com' };
const OUR_ID = '<parley.conv42.0123456789abcdef01234567@example.com>';

const crlf = (lines: string[]) => lines.join('\r\n');
const b64 = (buf: Buffer) => buf.toString('base64').replace(/.{76}/g, '$&\r\n');

async function parseOne(raw: string | Buffer): Promise<NormalizedInbound> {
  const events = await parseInboundEmail(Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'latin1'), ctx);
  expect(events).toHaveLength(1);
  return events[0] as NormalizedInbound;
}
async function parseMessage(raw: string | Buffer): Promise<InboundMessage> {
  const e = await parseOne(raw);
  expect(e.type).toBe('message');
  return e as InboundMessage;
}

function simpleMail(headers: string[], body = 'Hello'): string {
  return crlf([
    'From: Anna Example <Anna@Example.org>',
    'To: Support <support@example.com>',
    'Subject: Order question',
    'Date: Mon, 06 Jan 2025 10:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    ...headers,
    '',
    body,
  ]);
}

describe('parseInboundEmail: identity, ids, threading', () => {
  it('turns a new mail into a message from the sender (address lower-cased, display name kept)', async () => {
    const m = await parseMessage(simpleMail(['Message-ID: <first@example.org>'], 'Where is my order?'));
    expect(m).toMatchObject({
      inboxId: 'inbox-1',
      externalId: '<first@example.org>',
      from: { type: 'email', value: 'anna@example.org', email: 'anna@example.org', name: 'Anna Example' },
      subject: 'Order question',
      text: 'Where is my order?',
      references: [],
      attachments: [],
    });
    expect(m.at.toISOString()).toBe('2025-01-06T10:00:00.000Z');
    expect(m.meta).toMatchObject({ newThread: true, fullText: 'Where is my order?' });
    expect(m.threadKey).toBeUndefined();
    expect(m.noise).toBeUndefined();
  });

  it('passes In-Reply-To and References (newest first) and is not a new thread', async () => {
    const m = await parseMessage(simpleMail(['Message-ID: <r1@example.org>', 'In-Reply-To: <b@x>', 'References: <a@x>\r\n <b@x>']));
    expect(m.references).toEqual(['<b@x>', '<a@x>']);
    expect(m.meta?.newThread).toBeUndefined();
  });

  it('accepts Outlook-style replies that carry References only', async () => {
    const m = await parseMessage(simpleMail(['Message-ID: <r2@example.org>', 'References: <a@x> <b@x>', 'Thread-Index: AQHZ']));
    expect(m.references).toEqual(['<b@x>', '<a@x>']);
  });

  it('sets threadKey when a reference is one of our Message-IDs', async () => {
    const m = await parseMessage(simpleMail(['Message-ID: <r3@example.org>', `In-Reply-To: ${OUR_ID}`]));
    expect(m.threadKey).toBe('conv:conv42');
    expect(m.references).toEqual([OUR_ID]);
  });

  it('sets threadKey from a plus-addressed recipient of the inbox', async () => {
    const raw = simpleMail(['Message-ID: <r4@example.org>']).replace('To: Support <support@example.com>', 'To: support+cconv9@example.com');
    expect((await parseMessage(raw)).threadKey).toBe('conv:conv9');
  });

  it('never threads by subject alone', async () => {
    const m = await parseMessage(simpleMail(['Message-ID: <r5@example.org>']).replace('Subject: Order question', 'Subject: Re: Order question'));
    expect(m.threadKey).toBeUndefined();
    expect(m.references).toEqual([]);
    expect(m.meta?.newThread).toBe(true);
  });

  it('uses a hash of the raw message as externalId when Message-ID is missing (stable)', async () => {
    const raw = simpleMail([], 'no id');
    const a = await parseMessage(raw);
    const b = await parseMessage(raw);
    expect(a.externalId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b.externalId).toBe(a.externalId);
    expect(a.meta?.missingMessageId).toBe(true);
  });

  it('folds quoted history into meta.fullText', async () => {
    const body = 'Thanks, got it.\r\n\r\nOn Mon, Jan 6, 2025 at 10:00 AM Support <support@example.com> wrote:\r\n> Your parcel ships today.\r\n';
    const m = await parseMessage(simpleMail(['Message-ID: <r6@example.org>', `In-Reply-To: ${OUR_ID}`], body));
    expect(m.text).toBe('Thanks, got it.');
    expect(String(m.meta?.fullText)).toContain('> Your parcel ships today.');
  });

  it('drops a copy of our own outbound mail (Message-ID with our token and domain)', async () => {
    const raw = simpleMail([`Message-ID: ${OUR_ID}`]).replace('From: Anna Example <Anna@Example.org>', 'From: Support <support@example.com>');
    expect(await parseInboundEmail(Buffer.from(raw), ctx)).toEqual([]);
    const foreignDomain = simpleMail(['Message-ID: <parley.conv42.0123456789abcdef01234567@elsewhere.org>']);
    expect(await parseInboundEmail(Buffer.from(foreignDomain), ctx)).toHaveLength(1);
  });

  it('marks mail sent from the inbox address itself as noise', async () => {
    const raw = simpleMail(['Message-ID: <self@example.com>']).replace('From: Anna Example <Anna@Example.org>', 'From: Support <support@example.com>');
    expect((await parseMessage(raw)).noise).toBe(true);
  });
});

describe('parseInboundEmail: charsets and encoded headers', () => {
  const encoded = (charset: string, bytes: Buffer, subjectWord: string) => crlf([
    'From: =?UTF-8?B?5byg5LiJ?= <zhang@example.cn>',
    'To: support@example.com',
    `Subject: ${subjectWord}`,
    'Message-ID: <cs@example.cn>',
    'MIME-Version: 1.0',
    `Content-Type: text/plain; charset=${charset}`,
    'Content-Transfer-Encoding: base64',
    '',
    b64(bytes),
  ]);

  it('decodes GBK text and an encoded-word display name', async () => {
    const m = await parseMessage(encoded('GBK', Buffer.from('c4e3bac3a3accac0bde7', 'hex'), '=?GBK?B?v827p7f+zvE=?='));
    expect(m.text).toBe('你好，世界');
    expect(m.subject).toBe('客户服务');
    expect(m.from.name).toBe('张三');
  });

  it('decodes GB2312, Big5 and ISO-2022-JP', async () => {
    expect((await parseMessage(encoded('gb2312', Buffer.from('d7a2cec4', 'hex'), 'x'))).text).toBe('注文');
    expect((await parseMessage(encoded('big5', Buffer.from('b068b4da', 'hex'), '=?big5?B?sGi02g==?='))).subject).toBe('退款');
    expect((await parseMessage(encoded('big5', Buffer.from('a741a66e', 'hex'), 'x'))).text).toBe('你好');
    const jis = Buffer.from('1b244224332473244b2441244f1b2842', 'hex');
    expect((await parseMessage(encoded('ISO-2022-JP', jis, 'x'))).text).toBe('こんにちは');
  });

  it('decodes windows-1252 quoted-printable', async () => {
    const raw = crlf([
      'From: =?windows-1252?Q?Ren=E9_M=FCller?= <rene@example.fr>',
      'To: support@example.com',
      'Subject: =?windows-1252?Q?Caf=E9_=96_bill?=',
      'Message-ID: <w@example.fr>',
      'Content-Type: text/plain; charset=windows-1252',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'caf=E9 =96 =93quoted=94',
    ]);
    const m = await parseMessage(raw);
    expect(m.text).toBe('café – “quoted”');
    expect(m.subject).toBe('Café – bill');
    expect(m.from.name).toBe('René Müller');
  });
});

describe('parseInboundEmail: HTML and attachments', () => {
  it('sanitises HTML, keeps cid images, and returns attachments and inline parts as buffers', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const pdf = Buffer.alloc(2048, 7);
    const raw = crlf([
      'From: anna@example.org',
      'To: support@example.com',
      'Subject: Screenshot',
      'Message-ID: <att@example.org>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="mixed"',
      '',
      '--mixed',
      'Content-Type: multipart/related; boundary="rel"',
      '',
      '--rel',
      'Content-Type: multipart/alternative; boundary="alt"',
      '',
      '--alt',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'See the screenshot.',
      '--alt',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>',
      '<p onclick="steal()">See the <b>screenshot</b>: <img src="cid:shot@x"></p>',
      '<a href="javascript:alert(1)">bad</a> <a href="https://example.org">good</a><iframe src="https://evil"></iframe>',
      '</body></html>',
      '--alt--',
      '--rel',
      'Content-Type: image/png; name="shot.png"',
      'Content-Transfer-Encoding: base64',
      'Content-ID: <shot@x>',
      'Content-Disposition: inline; filename="shot.png"',
      '',
      b64(png),
      '--rel--',
      '--mixed',
      'Content-Type: application/pdf; name="=?UTF-8?B?UmVjaG51bmfDvC5wZGY=?="',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename*=UTF-8\'\'Rechnung%C3%BC.pdf',
      '',
      b64(pdf),
      '--mixed--',
      '',
    ]);
    const m = await parseMessage(raw);
    expect(m.text).toBe('See the screenshot.');
    expect(m.html).toContain('<img src="cid:shot@x"');
    expect(m.html).toContain('<b>screenshot</b>');
    expect(m.html).toContain('href="https://example.org"');
    expect(m.html).toContain('rel="noopener noreferrer nofollow"');
    for (const bad of ['script', 'alert', 'onclick', 'iframe', 'javascript:', 'color:red', '<style']) expect(m.html).not.toContain(bad);
    expect(m.attachments).toHaveLength(2);
    const [img, file] = m.attachments;
    expect(img).toMatchObject({ name: 'shot.png', contentType: 'image/png', contentId: 'shot@x', inline: true });
    expect(img?.data.equals(png)).toBe(true);
    expect(file).toMatchObject({ name: 'Rechnungü.pdf', contentType: 'application/pdf' });
    expect(file?.data.length).toBe(2048);
    expect(file?.inline).toBeUndefined();
  });

  it('derives text from an HTML-only mail and folds its blockquote', async () => {
    const raw = crlf([
      'From: anna@example.org',
      'To: support@example.com',
      'Subject: html only',
      'Message-ID: <h@example.org>',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<div>Works now, thank you!</div><div class="gmail_quote">On Mon, Jan 6, 2025 at 10:00 AM Support &lt;support@example.com&gt; wrote:<blockquote>Try again please.</blockquote></div>',
    ]);
    const m = await parseMessage(raw);
    expect(m.text).toBe('Works now, thank you!');
    expect(m.html).toContain('<blockquote>Try again please.</blockquote>');
  });
});

describe('parseInboundEmail: loop and noise protection', () => {
  it.each([
    ['Auto-Submitted: auto-replied'],
    ['Auto-Submitted: auto-generated'],
    ['X-Autoreply: yes'],
    ['X-Autorespond: Vacation'],
    ['Precedence: bulk'],
    ['Precedence: junk'],
    ['Precedence: list'],
    ['List-Id: Autoresponder <auto.example.org>'],
  ])('marks %s as noise', async (header) => {
    const m = await parseMessage(simpleMail(['Message-ID: <auto@example.org>', header]));
    expect(m.noise).toBe(true);
    expect(String(m.meta?.noiseReason)).not.toBe('');
  });

  it('does not mark Auto-Submitted: no or an ordinary mail', async () => {
    expect((await parseMessage(simpleMail(['Message-ID: <n1@example.org>', 'Auto-Submitted: no']))).noise).toBeUndefined();
    expect((await parseMessage(simpleMail(['Message-ID: <n2@example.org>', 'List-Id: Customers <customers.example.org>']))).noise).toBeUndefined();
  });

  it('marks Outlook "Automatic reply:" without headers as noise', async () => {
    const m = await parseMessage(simpleMail(['Message-ID: <oof@example.org>']).replace('Subject: Order question', 'Subject: Automatic reply: Order question'));
    expect(m.noise).toBe(true);
  });
});

describe('parseInboundEmail: bounces and receipts', () => {
  const dsn = (action: string, diagnostic: string | null) => crlf([
    'From: Mail Delivery System <MAILER-DAEMON@mx.example.org>',
    'To: support@example.com',
    'Subject: Undelivered Mail Returned to Sender',
    'Message-ID: <bounce-1@mx.example.org>',
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is the mail system at host mx.example.org.',
    'I\'m sorry to have to inform you that your message could not be delivered.',
    '--b',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.org',
    '',
    'Final-Recipient: rfc822; nobody@example.org',
    `Action: ${action}`,
    'Status: 5.1.1',
    ...(diagnostic ? [`Diagnostic-Code: smtp; ${diagnostic}`] : []),
    '--b',
    'Content-Type: text/rfc822-headers',
    '',
    'From: Support <support@example.com>',
    'To: nobody@example.org',
    'Subject: Re: Order question',
    `Message-ID: ${OUR_ID}`,
    'In-Reply-To: <first@example.org>',
    '--b--',
    '',
  ]);

  it('turns a DSN into a failed status for our bounced message, with the diagnostic', async () => {
    const e = await parseOne(dsn('failed', '550 5.1.1 <nobody@example.org>: Recipient address rejected:\r\n    User unknown in virtual mailbox table'));
    expect(e).toMatchObject({
      type: 'status',
      inboxId: 'inbox-1',
      externalId: OUR_ID,
      status: 'failed',
      error: '550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown in virtual mailbox table',
    } satisfies Partial<InboundStatus>);
  });

  it('falls back to the Status code when there is no Diagnostic-Code', async () => {
    const e = (await parseOne(dsn('failed', null))) as InboundStatus;
    expect(e.error).toBe('delivery failed with status 5.1.1 for nobody@example.org');
  });

  it('emits nothing for a "delayed" notice and "delivered" for a success DSN', async () => {
    expect(await parseInboundEmail(Buffer.from(dsn('delayed', '451 try later')), ctx)).toEqual([]);
    expect(await parseOne(dsn('delivered', null))).toMatchObject({ type: 'status', status: 'delivered', externalId: OUR_ID });
  });

  it('handles a non-standard MAILER-DAEMON bounce that quotes the original', async () => {
    const raw = crlf([
      'From: MAILER-DAEMON@old.example.net',
      'To: support@example.com',
      'Subject: failure notice',
      'Message-ID: <qmail-1@old.example.net>',
      '',
      'Hi. This is the qmail-send program at old.example.net.',
      'I\'m afraid I wasn\'t able to deliver your message to the following addresses.',
      '',
      '<gone@old.example.net>:',
      '550 5.1.1 mailbox unavailable',
      '',
      '--- Below this line is a copy of the message.',
      '',
      'From: support@example.com',
      `Message-ID: ${OUR_ID}`,
      'Subject: Re: hi',
    ]);
    expect(await parseOne(raw)).toMatchObject({ type: 'status', externalId: OUR_ID, status: 'failed', error: '550 5.1.1 mailbox unavailable' });
  });

  it('keeps a bounce without a recognisable original as a noise message', async () => {
    const raw = simpleMail(['Message-ID: <b2@mx.example.org>'], 'delivery failed').replace('From: Anna Example <Anna@Example.org>', 'From: postmaster@mx.example.org');
    const m = await parseMessage(raw);
    expect(m.noise).toBe(true);
  });

  it('turns a read receipt (MDN) into a read status', async () => {
    const raw = crlf([
      'From: anna@example.org',
      'To: support@example.com',
      'Subject: Read: Re: Order question',
      'Message-ID: <mdn@example.org>',
      'Content-Type: multipart/report; report-type=disposition-notification; boundary="m"',
      '',
      '--m',
      'Content-Type: text/plain',
      '',
      'Your message was displayed.',
      '--m',
      'Content-Type: message/disposition-notification',
      '',
      'Final-Recipient: rfc822; anna@example.org',
      `Original-Message-ID: ${OUR_ID}`,
      'Disposition: manual-action/MDN-sent-manually; displayed',
      '--m--',
    ]);
    expect(await parseOne(raw)).toMatchObject({ type: 'status', status: 'read', externalId: OUR_ID });
  });
});

describe('parseInboundEmail: broken input', () => {
  it('never throws and keeps something to look at', async () => {
    const events = await parseInboundEmail(Buffer.from('garbage without headers\r\n\r\n\u0000\u0001'), ctx);
    expect(events).toHaveLength(1);
    expect(events[0]?.type).toBe('message');
  });
});

describe('parseInboundEmail: arrival time', () => {
  const raw = simpleMail(['Message-ID: <t@example.org>']);
  it('places live mail at the moment it is read, whatever the sender clock says', async () => {
    const before = Date.now();
    const [m] = (await parseInboundEmail(Buffer.from(raw), { ...ctx, receivedAt: new Date(Date.now() - 2000) })) as InboundMessage[];
    expect(m!.at.getTime()).toBeGreaterThanOrEqual(before);
    expect(m!.meta?.sentAt).toBe('2025-01-06T10:00:00.000Z');
  });
  it('places backlog at the server receipt time', async () => {
    const received = new Date(Date.now() - 3 * 3600_000);
    const [m] = (await parseInboundEmail(Buffer.from(raw), { ...ctx, receivedAt: received })) as InboundMessage[];
    expect(m!.at.getTime()).toBe(received.getTime());
  });
});
