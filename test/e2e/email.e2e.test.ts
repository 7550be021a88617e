import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, waitFor, type Hub } from '../fixtures/hub';
import { makeWorkspace } from '../fixtures/workspace';
import { startDovecot, type DovecotServer } from '../fixtures/dovecot';
import { startSmtpSink, type SmtpSink } from '../fixtures/smtp-sink';

/** Round trip through the real hub: an email inbox created over REST, reading a real Dovecot, sending to an SMTP sink. */
const MAILBOX = { user: 'help@shop.example', pass: 'imap-secret-1' };

let hub: Hub;
let dovecot: DovecotServer;
let smtp: SmtpSink;
let w: Awaited<ReturnType<typeof makeWorkspace>>;
let inboxId: string;

beforeAll(async () => {
  dovecot = await startDovecot({ users: [MAILBOX] });
  smtp = await startSmtpSink({ auth: { user: 'relay', pass: 'smtp-secret-1' } });
  hub = await startHub();
  w = await makeWorkspace(hub);
  const r = await w.admin.post('/api/v1/inboxes', {
    name: 'Shop Help', channel: 'email', memberIds: [w.a.id, w.b.id],
    config: {
      address: MAILBOX.user,
      imap: { host: dovecot.host, port: dovecot.port, secure: false, user: MAILBOX.user, pass: MAILBOX.pass },
      smtp: { host: smtp.host, port: smtp.port, secure: false, user: 'relay', pass: 'smtp-secret-1' },
    },
  });
  if (r.status !== 201) {
    throw new Error(`creating an email inbox failed (${r.status} ${JSON.stringify(r.body)}); is EmailChannelModule in apps/api/src/channel-modules.ts?`);
  }
  inboxId = r.body.id;
}, 120_000);

afterAll(async () => {
  await hub?.dispose();
  await smtp?.stop();
  await dovecot?.stop();
});

let seq = 0;
function mail(o: { from?: string; subject: string; messageId: string; inReplyTo?: string; references?: string; headers?: string[]; body: string }): string {
  return [
    `From: ${o.from ?? 'Carla Customer <carla@customer.example>'}`,
    `To: Shop Help <${MAILBOX.user}>`,
    `Subject: ${o.subject}`,
    `Date: ${new Date(Date.now() + seq++).toUTCString()}`,
    `Message-ID: ${o.messageId}`,
    ...(o.inReplyTo ? [`In-Reply-To: ${o.inReplyTo}`] : []),
    ...(o.references ? [`References: ${o.references}`] : []),
    ...(o.headers ?? []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    o.body,
    '',
  ].join('\r\n');
}

const deliver = (raw: string) => dovecot.appendMail(MAILBOX.user, raw);
const conversations = async () => (await w.admin.get(`/api/v1/conversations?inboxId=${inboxId}&limit=100`)).body.items as any[];
const messagesOf = async (convId: string) => (await w.admin.get(`/api/v1/conversations/${convId}/messages`)).body.items as any[];
const bySubject = (subject: string) => waitFor(async () => (await conversations()).find((c) => c.subject === subject), 20_000, `conversation "${subject}"`);

describe('email channel through the hub', () => {
  let convId: string;
  let ourMessageId: string;

  it('keeps the passwords write-only and tests the connection', async () => {
    const got = await w.admin.get(`/api/v1/inboxes/${inboxId}`);
    expect(got.body.config).toMatchObject({ address: MAILBOX.user, imap: { host: dovecot.host, user: MAILBOX.user } });
    expect(JSON.stringify(got.body)).not.toContain(MAILBOX.pass);
    expect(JSON.stringify(got.body)).not.toContain('smtp-secret-1');
    const test = await w.admin.post(`/api/v1/inboxes/${inboxId}/test`);
    expect(test.status).toBe(200);
    expect(test.body).toMatchObject({ ok: true, details: { imap: { ok: true }, smtp: { ok: true } } });
    await waitFor(async () => (await w.admin.get(`/api/v1/inboxes/${inboxId}`)).body.health?.status === 'ok', 20_000, 'inbox health ok');
  });

  it('refuses a config with a bad field, naming it', async () => {
    const r = await w.admin.post('/api/v1/inboxes', { name: 'Bad', channel: 'email', config: { address: 'x@shop.example', imap: { host: 'imap.shop.example', port: 'abc', user: 'u', pass: 'p' }, smtp: { host: 'smtp.shop.example' } } });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'invalid_request' });
    expect(JSON.stringify(r.body)).toMatch(/imap\.port/);
  });

  it('a customer mail opens a conversation with the sender, folded text and subject', async () => {
    await deliver(mail({ subject: 'Broken kettle', messageId: '<k1@customer.example>', body: 'My kettle arrived broken.\r\n\r\n-- \r\nCarla' }));
    const conv = await bySubject('Broken kettle');
    convId = conv.id;
    expect(conv).toMatchObject({ channel: 'email', status: 'open', contact: { name: 'Carla Customer' } });
    const [m] = await messagesOf(convId);
    expect(m).toMatchObject({ direction: 'in', text: 'My kettle arrived broken.', externalId: '<k1@customer.example>' });
  });

  it('an agent reply goes out by SMTP in the thread, and the customer reply to it comes back to the same conversation', async () => {
    const before = smtp.messages.length;
    const sent = await w.a.api.post(`/api/v1/conversations/${convId}/messages`, { text: 'Sorry! A new one is on its way.', clientId: 'reply-1' });
    expect(sent.status).toBe(201);
    const [out] = (await smtp.waitFor(before + 1, 20_000)).slice(before);
    ourMessageId = out!.parsed.messageId!;
    expect(ourMessageId).toMatch(new RegExp(`^<parley\\.${convId}\\.[0-9a-f]+@shop\\.example>$`));
    expect(out!.parsed.inReplyTo).toBe('<k1@customer.example>');
    expect(out!.parsed.subject).toBe('Re: Broken kettle');
    expect(out!.parsed.from?.value[0]?.address).toBe(MAILBOX.user);
    expect(out!.envelope.rcptTo).toEqual(['carla@customer.example']);
    expect(out!.user).toBe('relay');
    await waitFor(async () => (await messagesOf(convId)).find((m) => m.direction === 'out' && m.status === 'sent' && m.externalId === ourMessageId), 20_000, 'reply marked sent');

    // A client that keeps only the id it answers (no References), and quotes our text below.
    await deliver(mail({ subject: 'Re: Broken kettle', messageId: '<k2@customer.example>', inReplyTo: ourMessageId, body: 'Great, thanks!\r\n\r\nOn Mon, Jan 6, 2025 at 10:00 AM Shop Help <help@shop.example> wrote:\r\n> Sorry! A new one is on its way.' }));
    await waitFor(async () => (await messagesOf(convId)).find((m) => m.externalId === '<k2@customer.example>'), 20_000, 'reply in the same conversation');
    const items = await messagesOf(convId);
    expect(items.map((m) => m.text)).toEqual(['My kettle arrived broken.', 'Sorry! A new one is on its way.', 'Great, thanks!']);
  });

  it('a new mail from the same customer without references starts a new conversation', async () => {
    await deliver(mail({ subject: 'Invoice address', messageId: '<k3@customer.example>', body: 'Please change my invoice address.' }));
    const conv = await bySubject('Invoice address');
    expect(conv.id).not.toBe(convId);
  });

  it('an auto-reply is stored but opens nothing', async () => {
    await deliver(mail({ subject: 'Automatic reply: Broken kettle', messageId: '<ooo@customer.example>', headers: ['Auto-Submitted: auto-replied'], body: 'I am out of office.' }));
    const conv = await bySubject('Automatic reply: Broken kettle');
    expect(conv.status).toBe('resolved');
    expect(conv.unreadCount).toBe(0);
  });

  it('a bounce marks our reply failed with the server diagnostic', async () => {
    const before = smtp.messages.length;
    const bounced = await w.a.api.post(`/api/v1/conversations/${convId}/messages`, { text: 'One more thing.', clientId: 'reply-2' });
    const [out] = (await smtp.waitFor(before + 1, 20_000)).slice(before);
    const headers = out!.raw.toString('utf8').split(/\r?\n\r?\n/)[0];
    await waitFor(async () => (await messagesOf(convId)).find((m) => m.id === bounced.body.id && m.status === 'sent'), 20_000, 'second reply sent');
    await deliver([
      'From: Mail Delivery System <MAILER-DAEMON@mx.customer.example>',
      `To: ${MAILBOX.user}`,
      'Subject: Undelivered Mail Returned to Sender',
      `Date: ${new Date().toUTCString()}`,
      'Message-ID: <bounce-1@mx.customer.example>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="R"',
      '',
      '--R',
      'Content-Type: text/plain',
      '',
      'Delivery failed.',
      '--R',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.customer.example',
      '',
      'Final-Recipient: rfc822; carla@customer.example',
      'Action: failed',
      'Status: 5.2.2',
      'Diagnostic-Code: smtp; 552 5.2.2 Mailbox full',
      '--R',
      'Content-Type: text/rfc822-headers',
      '',
      headers,
      '--R--',
      '',
    ].join('\r\n'));
    const failed = await waitFor(async () => (await messagesOf(convId)).find((m) => m.id === bounced.body.id && m.status === 'failed'), 20_000, 'reply marked failed');
    expect(failed.error).toBe('552 5.2.2 Mailbox full');
    expect((await conversations()).filter((c) => c.subject === 'Undelivered Mail Returned to Sender')).toEqual([]);
  });

  it('mail that arrives while the hub is down is ingested once after the restart', async () => {
    await hub.stop();
    for (let i = 0; i < 5; i++) await deliver(mail({ subject: `While down ${i}`, messageId: `<down-${i}@customer.example>`, body: `Message ${i}` }));
    hub = await hub.restart();
    for (let i = 0; i < 5; i++) await bySubject(`While down ${i}`);
    await new Promise((r) => setTimeout(r, 1000));
    const subjects = (await conversations()).map((c) => c.subject).filter((s: string) => s.startsWith('While down'));
    expect(subjects.sort()).toEqual(['While down 0', 'While down 1', 'While down 2', 'While down 3', 'While down 4']);
  }, 120_000);
});
