import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  CHANNEL_RUNTIME,
  ChannelAdapterRegistry,
  ChannelKitModule,
  ChannelSendError,
  INBOUND_SINK,
  type InboundMessage,
  type OutboundMessage,
} from '@parley/channel-kit';
import {
  CHECKPOINT_KEY,
  EmailAdapter,
  EmailChannelModule,
  EmailConnectionTester,
  EmailPollerService,
  type EmailInboxConfig,
  type EmailPollerOptions,
  type ImapCheckpoint,
} from '@parley/channel-email';
import { startDovecot, freePort, type DovecotServer } from '../fixtures/dovecot';
import { startSmtpSink, type SmtpSink } from '../fixtures/smtp-sink';
import { InMemoryChannelRuntime, InMemoryInboundSink } from '../fixtures/channel-doubles';

const PASS = 'secret-pass';
const USERS = ['basic', 'threads', 'restart', 'noise', 'bounce', 'charset', 'uidvalidity', 'sinkfail', 'lease', 'health', 'tester', 'oversize']
  .map((u) => ({ user: `${u}@example.com`, pass: PASS }));
const FAST: EmailPollerOptions = {
  pollIntervalMs: 1_000,
  leaseTtlMs: 3_000,
  leaseRetryMs: 200,
  backoffMinMs: 100,
  backoffMaxMs: 1_000,
  connectionTimeoutMs: 5_000,
};

let dovecot: DovecotServer;
let smtp: SmtpSink;
let tmp: string;
const services: EmailPollerService[] = [];

beforeAll(async () => {
  dovecot = await startDovecot({ users: USERS });
  smtp = await startSmtpSink();
  tmp = mkdtempSync(path.join(tmpdir(), 'parley-email-it-'));
});

afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.stopAll()));
});

afterAll(async () => {
  await smtp?.stop();
  await dovecot?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function configFor(user: string, over: Partial<EmailInboxConfig['imap']> = {}): EmailInboxConfig {
  return {
    address: `${user}@example.com`,
    imap: { host: dovecot.host, port: dovecot.port, secure: false, user: `${user}@example.com`, pass: PASS, ...over },
    smtp: { host: smtp.host, port: smtp.port, secure: false },
  };
}

function setup(user: string, over: Partial<EmailInboxConfig['imap']> = {}) {
  const runtime = new InMemoryChannelRuntime({ allowPrivateUrls: true });
  const sink = new InMemoryInboundSink();
  const resolved = runtime.putInbox({ id: `inbox-${user}`, channel: 'email', name: `${user} desk` }, configFor(user, over));
  const poller = (opts: EmailPollerOptions = {}) => {
    const s = new EmailPollerService(sink, runtime, { ...FAST, ...opts });
    services.push(s);
    return s;
  };
  return { runtime, sink, inbox: resolved.inbox, config: resolved.config, poller, adapter: new EmailAdapter(runtime) };
}

let seq = 0;
function mail(o: {
  from?: string; to?: string; subject?: string; messageId?: string | null; inReplyTo?: string; references?: string;
  headers?: string[]; body?: string; contentType?: string; encoding?: string;
} = {}): string {
  seq++;
  const lines = [
    `From: ${o.from ?? 'Anna Example <anna@example.org>'}`,
    `To: ${o.to ?? 'support@example.com'}`,
    `Subject: ${o.subject ?? `Question ${seq}`}`,
    `Date: ${new Date().toUTCString()}`,
    ...(o.messageId === null ? [] : [`Message-ID: ${o.messageId ?? `<m${seq}.${Date.now()}@example.org>`}`]),
    ...(o.inReplyTo ? [`In-Reply-To: ${o.inReplyTo}`] : []),
    ...(o.references ? [`References: ${o.references}`] : []),
    'MIME-Version: 1.0',
    `Content-Type: ${o.contentType ?? 'text/plain; charset=utf-8'}`,
    ...(o.encoding ? [`Content-Transfer-Encoding: ${o.encoding}`] : []),
    ...(o.headers ?? []),
    '',
    o.body ?? `Body of message ${seq}`,
    '',
  ];
  return lines.join('\r\n');
}

function outbound(over: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: `msg-${++seq}`, deliveryId: `del-${seq}`, conversationId: '65a1b2c3d4e5f60718293a4b', text: 'We are on it.',
    attachments: [], createdAt: new Date().toISOString(),
    contact: { id: 'c1', name: 'Anna Example', identifier: 'anna@example.org', email: 'anna@example.org', phone: null },
    ...over,
  };
}

const messagesOf = (sink: InMemoryInboundSink) => sink.messages() as InboundMessage[];

describe('email channel against Dovecot and an SMTP server', () => {
  it('ingests a new mail through IDLE with the sender as identity', async () => {
    const { sink, inbox, poller } = setup('basic');
    const svc = poller({ pollIntervalMs: 60_000 }); // IDLE alone must deliver it
    expect(await svc.startInbox(inbox.id)).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    await dovecot.appendMail('basic@example.com', mail({ from: '"Anna Example" <Anna@Example.org>', messageId: '<idle-1@example.org>', body: 'Where is my order?' }));
    await sink.waitForStored(1);
    const [m] = messagesOf(sink);
    expect(m).toMatchObject({
      inboxId: inbox.id,
      externalId: '<idle-1@example.org>',
      from: { type: 'email', value: 'anna@example.org', email: 'anna@example.org', name: 'Anna Example' },
      text: 'Where is my order?',
      meta: { newThread: true },
    });
    expect(sink.calls[0]?.workspaceId).toBe('ws-test');
  });

  it('threads: In-Reply-To, References-only, and a reply to our own Message-ID (agent reply round trip)', async () => {
    const { sink, inbox, config, poller, adapter } = setup('threads');
    const file = path.join(tmp, 'label.pdf');
    writeFileSync(file, Buffer.alloc(4096, 1));

    // The agent answers the customer's first mail; the reply goes out through SMTP.
    const before = smtp.messages.length;
    const res = await adapter.send({ inbox, config }, outbound({
      author: { name: 'Bob Agent' },
      text: 'Your label is attached.',
      attachments: [{ id: 'a1', name: 'label.pdf', contentType: 'application/pdf', size: 4096, path: file }],
      thread: { subject: 'Order 123', inReplyTo: '<cust-1@example.org>', references: ['<cust-0@example.org>'] },
    }));
    const [sent] = (await smtp.waitFor(before + 1)).slice(before);
    expect(res.externalId).toMatch(/^<parley\.65a1b2c3d4e5f60718293a4b\.[0-9a-f]+@example\.com>$/);
    expect(sent?.parsed.messageId).toBe(res.externalId);
    expect(sent?.parsed.inReplyTo).toBe('<cust-1@example.org>');
    expect(sent?.parsed.references).toEqual(['<cust-0@example.org>', '<cust-1@example.org>']);
    expect(sent?.parsed.subject).toBe('Re: Order 123');
    expect(sent?.parsed.from?.value[0]).toMatchObject({ name: 'Bob Agent via threads desk', address: 'threads@example.com' });
    expect(sent?.envelope).toEqual({ mailFrom: 'threads@example.com', rcptTo: ['anna@example.org'] });
    expect(sent?.parsed.text?.trim()).toBe('Your label is attached.');
    expect(sent?.parsed.html).toContain('Your label is attached.');
    expect(sent?.parsed.attachments.map((a) => [a.filename, a.size])).toEqual([['label.pdf', 4096]]);

    const svc = poller();
    await svc.startInbox(inbox.id);
    await dovecot.appendMail('threads@example.com', mail({ messageId: '<r-irt@example.org>', inReplyTo: '<cust-1@example.org>', references: '<cust-0@example.org> <cust-1@example.org>' }));
    await dovecot.appendMail('threads@example.com', mail({ messageId: '<r-refs@example.org>', references: '<cust-0@example.org> <cust-1@example.org>', headers: ['Thread-Index: AdkAAA=='] }));
    // A client that keeps nothing but the id it answers: only Parley's own Message-ID.
    await dovecot.appendMail('threads@example.com', mail({ messageId: '<r-ours@example.org>', inReplyTo: res.externalId, subject: 'Re: Order 123' }));
    await sink.waitForStored(3);

    const byId = new Map(messagesOf(sink).map((m) => [m.externalId, m]));
    expect(byId.get('<r-irt@example.org>')?.references).toEqual(['<cust-1@example.org>', '<cust-0@example.org>']);
    expect(byId.get('<r-irt@example.org>')?.meta?.newThread).toBeUndefined();
    expect(byId.get('<r-refs@example.org>')?.references).toEqual(['<cust-1@example.org>', '<cust-0@example.org>']);
    expect(byId.get('<r-ours@example.org>')).toMatchObject({ threadKey: 'conv:65a1b2c3d4e5f60718293a4b', references: [res.externalId] });
  });

  it('an agent-started conversation goes out with its subject and no threading headers', async () => {
    const { inbox, config, adapter } = setup('basic');
    const before = smtp.messages.length;
    await adapter.send({ inbox, config }, outbound({ thread: { subject: 'Your invoice' }, contact: { id: 'c2', name: '', identifier: null, email: 'new@example.net', phone: null } }));
    const [sent] = (await smtp.waitFor(before + 1)).slice(before);
    expect(sent?.parsed.subject).toBe('Your invoice');
    expect(sent?.parsed.inReplyTo).toBeUndefined();
    expect(sent?.parsed.headers.has('references')).toBe(false);
    expect(sent?.envelope.rcptTo).toEqual(['new@example.net']);
  });

  it('50 mails, poller stopped halfway and restarted: exactly 50 distinct messages, none lost', async () => {
    const { sink, runtime, inbox, poller } = setup('restart');
    for (let i = 0; i < 50; i++) {
      await dovecot.appendMail('restart@example.com', mail({ messageId: `<bulk-${i}@example.org>`, body: `mail ${i}` }));
    }
    sink.beforeIngest = () => new Promise((r) => setTimeout(r, 15));
    const first = poller();
    await first.startInbox(inbox.id);
    await sink.waitForStored(25);
    await first.stopAll();
    const afterStop = sink.stored.length;
    expect(afterStop).toBeGreaterThanOrEqual(25);
    expect(afterStop).toBeLessThan(50);
    const cp = await runtime.getState<ImapCheckpoint>(inbox, CHECKPOINT_KEY);
    expect(cp?.lastUid).toBe(afterStop);

    const second = poller();
    await second.startInbox(inbox.id);
    await sink.waitForStored(50);
    await new Promise((r) => setTimeout(r, 1500)); // give a wrongly re-read batch a chance to show up
    const ids = messagesOf(sink).map((m) => m.externalId);
    expect(new Set(ids).size).toBe(50);
    expect(ids.sort()).toEqual(Array.from({ length: 50 }, (_, i) => `<bulk-${i}@example.org>`).sort());
    expect(sink.calls.filter((c) => c.duplicate).length).toBeLessThanOrEqual(1);
    expect((await runtime.getState<ImapCheckpoint>(inbox, CHECKPOINT_KEY))?.lastUid).toBe(50);
  });

  it('marks auto-replies as noise', async () => {
    const { sink, inbox, poller } = setup('noise');
    await dovecot.appendMail('noise@example.com', mail({ messageId: '<ooo@example.org>', subject: 'Out of office', headers: ['Auto-Submitted: auto-replied', 'X-Autoreply: yes'] }));
    await dovecot.appendMail('noise@example.com', mail({ messageId: '<bulk@example.org>', headers: ['Precedence: bulk'] }));
    await dovecot.appendMail('noise@example.com', mail({ messageId: '<human@example.org>' }));
    await poller().startInbox(inbox.id);
    await sink.waitForStored(3);
    const noise = Object.fromEntries(messagesOf(sink).map((m) => [m.externalId, m.noise ?? false]));
    expect(noise).toEqual({ '<ooo@example.org>': true, '<bulk@example.org>': true, '<human@example.org>': false });
  });

  it('turns a bounce of our reply into a failed status for that reply', async () => {
    const { sink, inbox, config, poller, adapter } = setup('bounce');
    const before = smtp.messages.length;
    const { externalId } = await adapter.send({ inbox, config }, outbound({ thread: { subject: 'Hello', inReplyTo: '<x@example.org>' } }));
    const [sent] = (await smtp.waitFor(before + 1)).slice(before);
    const originalHeaders = sent!.raw.toString('utf8').split(/\r?\n\r?\n/)[0];
    const dsn = [
      'From: Mail Delivery System <MAILER-DAEMON@mx.example.org>',
      'To: bounce@example.com',
      'Subject: Undelivered Mail Returned to Sender',
      `Date: ${new Date().toUTCString()}`,
      'Message-ID: <dsn-1@mx.example.org>',
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="BOUNDARY"',
      '',
      '--BOUNDARY',
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      '--BOUNDARY',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.org',
      '',
      'Final-Recipient: rfc822; anna@example.org',
      'Action: failed',
      'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 5.1.1 <anna@example.org>: mailbox does not exist',
      '--BOUNDARY',
      'Content-Type: text/rfc822-headers',
      '',
      originalHeaders,
      '--BOUNDARY--',
      '',
    ].join('\r\n');
    await dovecot.appendMail('bounce@example.com', dsn);
    await poller().startInbox(inbox.id);
    await sink.waitForStored(1);
    expect(sink.stored).toEqual([{
      type: 'status', inboxId: inbox.id, externalId, status: 'failed',
      error: '550 5.1.1 <anna@example.org>: mailbox does not exist', at: expect.any(Date),
    }]);
  });

  it('decodes a GBK mail and keeps a 10 MB attachment intact', async () => {
    const { sink, inbox, poller } = setup('charset');
    await dovecot.appendMail('charset@example.com', mail({
      messageId: '<gbk@example.cn>',
      subject: '=?GBK?B?v827p7f+zvE=?=',
      contentType: 'text/plain; charset=GBK',
      encoding: 'base64',
      body: Buffer.from('c4e3bac3a3accac0bde7', 'hex').toString('base64'),
    }));
    const big = Buffer.alloc(10 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31 + 7) & 0xff;
    const bigMail = [
      'From: anna@example.org', 'To: charset@example.com', 'Subject: big file', 'Message-ID: <big@example.org>',
      `Date: ${new Date().toUTCString()}`, 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="XX"', '',
      '--XX', 'Content-Type: text/plain; charset=utf-8', '', 'Here is the log file.',
      '--XX', 'Content-Type: application/octet-stream; name="dump.bin"', 'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="dump.bin"', '',
      big.toString('base64').replace(/.{76}/g, '$&\r\n'),
      '--XX--', '',
    ].join('\r\n');
    await dovecot.appendMail('charset@example.com', bigMail);
    await poller().startInbox(inbox.id);
    await sink.waitForStored(2, 60_000);
    const byId = new Map(messagesOf(sink).map((m) => [m.externalId, m]));
    expect(byId.get('<gbk@example.cn>')).toMatchObject({ text: '你好，世界', subject: '客户服务' });
    const att = byId.get('<big@example.org>')?.attachments[0];
    expect(att?.name).toBe('dump.bin');
    expect(att?.data.length).toBe(10 * 1024 * 1024);
    expect(att?.data.equals(big)).toBe(true);
    expect(byId.get('<big@example.org>')?.text).toBe('Here is the log file.');
  });

  it('keeps the headers of a mail above the size limit and says why the body is missing', async () => {
    const { sink, inbox, poller } = setup('oversize');
    const body = 'x'.repeat(120 * 1024);
    await dovecot.appendMail('oversize@example.com', mail({ from: 'Big Sender <big@example.org>', subject: 'Huge', messageId: '<huge@example.org>', inReplyTo: '<parent@example.org>', body }));
    await poller({ maxMessageBytes: 64 * 1024 }).startInbox(inbox.id);
    await sink.waitForStored(1);
    const [m] = messagesOf(sink);
    expect(m).toMatchObject({ externalId: '<huge@example.org>', subject: 'Huge', from: { value: 'big@example.org', name: 'Big Sender' }, references: ['<parent@example.org>'] });
    expect(m?.text).toMatch(/larger than Parley accepts/);
  });

  it('re-scans after a UIDVALIDITY change and relies on Message-ID dedupe', async () => {
    const { sink, runtime, inbox, poller } = setup('uidvalidity');
    await dovecot.appendMail('uidvalidity@example.com', mail({ messageId: '<uv-1@example.org>' }));
    await dovecot.appendMail('uidvalidity@example.com', mail({ messageId: '<uv-2@example.org>' }));
    const svc = poller();
    await svc.startInbox(inbox.id);
    await sink.waitForStored(2);
    await svc.stopAll();
    const cp = (await runtime.getState<ImapCheckpoint>(inbox, CHECKPOINT_KEY))!;

    // The server rebuilt the mailbox: new UIDVALIDITY, and our remembered UID means nothing any more
    // (simulated as far ahead, as after a renumbering).
    await dovecot.setUidValidity('uidvalidity@example.com', Number(cp.uidValidity) + 1000);
    await runtime.setState(inbox, CHECKPOINT_KEY, { ...cp, lastUid: 999 });
    await dovecot.appendMail('uidvalidity@example.com', mail({ messageId: '<uv-3@example.org>' }));

    await poller().startInbox(inbox.id);
    await sink.waitForStored(3);
    await sink.waitUntil((s) => s.calls.length >= 5, 10_000, 're-scan of the two old mails');
    expect(messagesOf(sink).map((m) => m.externalId)).toEqual(['<uv-1@example.org>', '<uv-2@example.org>', '<uv-3@example.org>']);
    expect(sink.calls.filter((c) => c.duplicate).map((c) => c.event.externalId).sort()).toEqual(['<uv-1@example.org>', '<uv-2@example.org>']);
    expect((await runtime.getState<ImapCheckpoint>(inbox, CHECKPOINT_KEY))?.uidValidity).toBe(String(Number(cp.uidValidity) + 1000));
  });

  it('does not advance the checkpoint past a failed ingest, and retries', async () => {
    const { sink, runtime, inbox, poller } = setup('sinkfail');
    await dovecot.appendMail('sinkfail@example.com', mail({ messageId: '<sf-1@example.org>' }));
    await dovecot.appendMail('sinkfail@example.com', mail({ messageId: '<sf-2@example.org>' }));
    sink.failNext(3);
    await poller().startInbox(inbox.id);
    await sink.waitForStored(2, 20_000);
    expect(messagesOf(sink).map((m) => m.externalId)).toEqual(['<sf-1@example.org>', '<sf-2@example.org>']);
    expect((await runtime.getState<ImapCheckpoint>(inbox, CHECKPOINT_KEY))?.lastUid).toBe(2);
  });

  it('lets only one process hold a mailbox; the other takes over when it stops', async () => {
    const { sink, runtime, inbox, poller } = setup('lease');
    const a = poller();
    const b = poller();
    await a.startInbox(inbox.id);
    await new Promise((r) => setTimeout(r, 300));
    await b.startInbox(inbox.id);
    await dovecot.appendMail('lease@example.com', mail({ messageId: '<l-1@example.org>' }));
    await sink.waitForStored(1);
    expect(runtime.leaseHolder(inbox.id, 'imap')).toBe(a.holderId);

    await a.stopAll();
    await dovecot.appendMail('lease@example.com', mail({ messageId: '<l-2@example.org>' }));
    await sink.waitForStored(2);
    expect(runtime.leaseHolder(inbox.id, 'imap')).toBe(b.holderId);
    expect(sink.calls.length).toBe(2); // nobody read a mail twice
  });

  it('reports a failing login as inbox health until the config is fixed', async () => {
    const { sink, runtime, inbox, poller } = setup('health', { pass: 'wrong' });
    const svc = poller();
    await svc.startAll();
    await waitFor(() => runtime.lastHealth(inbox.id)?.ok === false);
    expect(runtime.lastHealth(inbox.id)?.error).toMatch(/^login failed/);

    runtime.putInbox({ id: inbox.id, channel: 'email', name: 'health desk' }, configFor('health'));
    await waitFor(() => runtime.lastHealth(inbox.id)?.ok === true);
    await dovecot.appendMail('health@example.com', mail({ messageId: '<h-1@example.org>' }));
    await sink.waitForStored(1);

    runtime.removeInbox(inbox.id);
    await waitFor(() => !svc.isRunning(inbox.id));
  });

  it('tests a connection and says what failed', async () => {
    const good = { ...configFor('tester') };
    expect(await EmailConnectionTester.test(good, { allowPrivateUrls: true })).toEqual({ ok: true, imap: { ok: true }, smtp: { ok: true } });

    const badLogin = await EmailConnectionTester.test({ ...good, imap: { ...good.imap, pass: 'nope' } }, { allowPrivateUrls: true });
    expect(badLogin.ok).toBe(false);
    expect(badLogin.imap.error).toMatch(/^login failed/);
    expect(badLogin.smtp).toEqual({ ok: true });

    const closed = await freePort();
    const refused = await EmailConnectionTester.test({ ...good, smtp: { ...good.smtp, port: closed } }, { allowPrivateUrls: true });
    expect(refused.smtp.error).toMatch(/connection refused/);

    const tls = await EmailConnectionTester.test({ ...good, imap: { ...good.imap, secure: true } }, { allowPrivateUrls: true, timeoutMs: 5000 });
    expect(tls.imap.error).toMatch(/TLS/);

    const dns = await EmailConnectionTester.test({ ...good, imap: { ...good.imap, host: 'no-such-host.invalid' } }, { allowPrivateUrls: true });
    expect(dns.imap.error).toMatch(/^DNS: no-such-host\.invalid could not be resolved/);

    const ssrf = await EmailConnectionTester.test(good, { allowPrivateUrls: false });
    expect(ssrf.ok).toBe(false);
    expect(ssrf.imap.error).toMatch(/configuration: imap\.host: .*private or loopback/);

    const authSink = await startSmtpSink({ auth: { user: 'relay', pass: 'right' } });
    try {
      const smtpLogin = await EmailConnectionTester.test({ ...good, smtp: { host: authSink.host, port: authSink.port, secure: false, user: 'relay', pass: 'wrong' } }, { allowPrivateUrls: true });
      expect(smtpLogin.smtp.error).toMatch(/^login failed: .*535/);
    } finally {
      await authSink.stop();
    }
  });

  it('maps SMTP failures to retryable / permanent ChannelSendErrors with the server answer', async () => {
    const { inbox, config, adapter } = setup('basic');
    const sink = await startSmtpSink({ reject: { code: 550, message: '5.1.1 Mailbox unavailable', phase: 'rcpt' } });
    const cfg = { ...config, smtp: { host: sink.host, port: sink.port, secure: false } };
    try {
      const permanent = await adapter.send({ inbox, config: cfg }, outbound()).catch((e: unknown) => e);
      expect(permanent).toBeInstanceOf(ChannelSendError);
      expect(permanent).toMatchObject({ retryable: false, code: '550' });
      expect((permanent as Error).message).toMatch(/550 5\.1\.1 Mailbox unavailable/);

      sink.setReject({ code: 451, message: '4.7.1 Greylisted, try again', phase: 'data' });
      const temporary = await adapter.send({ inbox, config: cfg }, outbound()).catch((e: unknown) => e);
      expect(temporary).toMatchObject({ retryable: true, code: '451' });
      expect((temporary as Error).message).toMatch(/451 4\.7\.1 Greylisted/);
    } finally {
      await sink.stop();
    }
    const closed = await freePort();
    const down = await adapter.send({ inbox, config: { ...cfg, smtp: { ...cfg.smtp, port: closed } } }, outbound()).catch((e: unknown) => e);
    expect(down).toMatchObject({ name: 'ChannelSendError', retryable: true });

    const noAddress = await adapter.send({ inbox, config }, outbound({ contact: { id: 'c', name: 'x', identifier: '+15550100', email: null, phone: '+15550100' } })).catch((e: unknown) => e);
    expect(noAddress).toMatchObject({ retryable: false, code: 'no_address' });
  });

  it('registers through the Nest module and honours PARLEY_WORKERS=false', async () => {
    const runtime = new InMemoryChannelRuntime({ allowPrivateUrls: true });
    const sink = new InMemoryInboundSink();
    runtime.putInbox({ id: 'inbox-module', channel: 'email' }, configFor('basic'));
    @Global()
    @Module({ providers: [{ provide: INBOUND_SINK, useValue: sink }, { provide: CHANNEL_RUNTIME, useValue: runtime }], exports: [INBOUND_SINK, CHANNEL_RUNTIME] })
    class CorePortsModule {}

    const previous = process.env.PARLEY_WORKERS;
    process.env.PARLEY_WORKERS = 'false';
    try {
      const ref = await Test.createTestingModule({ imports: [ChannelKitModule, CorePortsModule, EmailChannelModule.withOptions(FAST)] }).compile();
      const app = ref.createNestApplication({ logger: false });
      await app.init();
      expect(app.get(ChannelAdapterRegistry).require('email')).toBeInstanceOf(EmailAdapter);
      expect(app.get(EmailPollerService).isRunning('inbox-module')).toBe(false);
      await app.close();

      process.env.PARLEY_WORKERS = 'true';
      const ref2 = await Test.createTestingModule({ imports: [ChannelKitModule, CorePortsModule, EmailChannelModule.withOptions(FAST)] }).compile();
      const app2 = ref2.createNestApplication({ logger: false });
      await app2.init();
      expect(app2.get(EmailPollerService).isRunning('inbox-module')).toBe(true);
      await app2.close();
      expect(app2.get(EmailPollerService).isRunning('inbox-module')).toBe(false);
    } finally {
      if (previous === undefined) delete process.env.PARLEY_WORKERS;
      else process.env.PARLEY_WORKERS = previous;
    }
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
