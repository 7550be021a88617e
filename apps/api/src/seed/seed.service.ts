import { Inject, Injectable } from '@nestjs/common';
import { PeopleService } from '@parley/auth';
import { InboxService, IngestService } from '@parley/core';
import { Database } from '@parley/persistence';
import { APP_CONFIG, LOGGER, randomToken, type AppConfig, type Logger } from '@parley/platform';

/**
 * First start: the instance owner from PARLEY_ADMIN_EMAIL/PASSWORD, or, without them, a demo workspace whose
 * logins are printed once (passwords are random unless PARLEY_DEMO_PASSWORD is set).
 */
@Injectable()
export class SeedService {
  constructor(
    private readonly db: Database,
    private readonly people: PeopleService,
    private readonly inboxes: InboxService,
    private readonly ingest: IngestService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async run(): Promise<void> {
    if (await this.db.workspaces.exists({})) return;
    if (this.config.adminEmail && this.config.adminPassword) {
      const ws = await this.people.createWorkspace({ name: 'Parley', admin: { name: 'Admin', email: this.config.adminEmail, password: this.config.adminPassword } }, null);
      await this.db.users.updateOne({ _id: ws.admin.id }, { $set: { isOwner: true } }).exec();
      this.log.info({ email: this.config.adminEmail }, 'created the first admin (instance owner)');
      return;
    }
    await this.demo();
  }

  private async demo(): Promise<void> {
    const pw = () => this.config.demoPassword ?? randomToken(9);
    const logins = [
      { name: 'Ada Admin', email: 'admin@parley.demo', role: 'admin' as const, password: pw() },
      { name: 'Sam Supervisor', email: 'supervisor@parley.demo', role: 'supervisor' as const, password: pw() },
      { name: 'Alex Agent', email: 'agent1@parley.demo', role: 'agent' as const, password: pw() },
      { name: 'Bea Agent', email: 'agent2@parley.demo', role: 'agent' as const, password: pw() },
    ];
    const ws = await this.people.createWorkspace({ name: 'Demo', admin: logins[0] }, null);
    await this.db.users.updateOne({ _id: ws.admin.id }, { $set: { isOwner: true } }).exec();
    const ids = [ws.admin.id];
    for (const l of logins.slice(1)) ids.push((await this.people.createUser(ws.id, l, ws.admin.id)).id);
    const team = await this.people.createTeam(ws.id, { name: 'Support', memberIds: ids.slice(1) });
    const inbox = await this.inboxes.create(ws.id, { name: 'Website API', channel: 'api', config: {}, teamId: team.id, memberIds: ids.slice(2) }, ws.admin.id);
    // The page at /demo embeds the widget for this inbox: `demo: true` lets GET /widget/demo-token hand out its token.
    await this.inboxes.create(ws.id, {
      name: 'Website chat', channel: 'webchat', teamId: team.id, memberIds: ids.slice(2),
      config: {
        greeting: 'Hi there! Ask us anything, we usually answer within a few minutes.', teamName: 'Parley Support', color: '#4f46e5',
        awayMessage: 'We are away right now. Leave a message and your email, and we will get back to you.', demo: true,
      },
    }, ws.admin.id);
    const samples = [
      { who: 'maria@example.com', name: 'Maria Garcia', text: 'Hi! My order #1042 has not arrived yet. Can you check?' },
      { who: 'li.wei@example.com', name: 'Li Wei', text: '你好，我想修改我的收货地址。' },
      { who: 'tom@example.com', name: 'Tom Becker', text: 'How do I reset my password? The link expired.' },
    ];
    for (const [i, s] of samples.entries()) {
      await this.ingest.ingest(ws.id, { type: 'message', inboxId: inbox.id, externalId: `demo-${i}`, from: { type: 'api', value: s.who, name: s.name, email: s.who }, text: s.text, attachments: [], at: new Date() });
    }
    const lines = logins.map((l) => `  ${l.role.padEnd(10)} ${l.email.padEnd(24)} ${l.password}`).join('\n');
    // Printed once, on the first start only, to the console (not the JSON log): the operator needs to read it.
    process.stdout.write(`\nParley demo workspace created. Logins (shown once):\n${lines}\n  API inbox token: ${inbox.inboxToken}\n  Web chat demo:   ${this.config.publicUrl}/demo\n\n`);
  }
}
