import mongoose, { type Connection, type Model } from 'mongoose';
import * as S from './schemas';

export type ServerKind = 'mongodb' | 'ferretdb';

/** The one mongoose connection and its models. */
export class Database {
  private constructor(readonly connection: Connection, readonly server: ServerKind, readonly serverVersion: string) {}

  readonly workspaces = this.model('Workspace', S.WorkspaceSchema);
  readonly users = this.model('User', S.UserSchema);
  readonly tokens = this.model('Token', S.TokenSchema);
  readonly teams = this.model('Team', S.TeamSchema);
  readonly inboxes = this.model('Inbox', S.InboxSchema);
  readonly contacts = this.model('Contact', S.ContactSchema);
  readonly identities = this.model('Identity', S.IdentitySchema);
  readonly conversations = this.model('Conversation', S.ConversationSchema);
  readonly slots = this.model('ConversationSlot', S.ConversationSlotSchema);
  readonly messages = this.model('Message', S.MessageSchema);
  readonly externalRefs = this.model('ExternalRef', S.ExternalRefSchema);
  readonly deliveries = this.model('Delivery', S.DeliverySchema);
  readonly attachments = this.model('Attachment', S.AttachmentSchema);
  readonly notifications = this.model('Notification', S.NotificationSchema);
  readonly cannedResponses = this.model('CannedResponse', S.CannedResponseSchema);
  readonly auditLogs = this.model('AuditLog', S.AuditLogSchema);
  readonly leases = this.model('Lease', S.LeaseSchema);
  readonly channelState = this.model('ChannelState', S.ChannelStateSchema);

  private model<T>(name: string, schema: mongoose.Schema<T>): Model<T> {
    return this.connection.model<T>(name, schema);
  }

  /**
   * FerretDB applies updates as read-modify-write without re-checking the filter, so against it every
   * operation goes through one connection (DESIGN §3). MongoDB gets a normal pool.
   */
  static async connect(uri: string, opts: { dbName?: string } = {}): Promise<Database> {
    const probe = await mongoose.createConnection(uri, { maxPoolSize: 1, dbName: opts.dbName, autoIndex: false, serverSelectionTimeoutMS: 15_000 }).asPromise();
    const info = (await probe.db!.admin().command({ buildInfo: 1 })) as { version?: string; ferretdbVersion?: string };
    const server: ServerKind = info.ferretdbVersion ? 'ferretdb' : 'mongodb';
    let conn = probe;
    if (server === 'mongodb') {
      await probe.close();
      conn = await mongoose.createConnection(uri, { maxPoolSize: 20, dbName: opts.dbName, autoIndex: false }).asPromise();
    }
    const db = new Database(conn, server, info.ferretdbVersion ?? info.version ?? 'unknown');
    await db.syncIndexes();
    return db;
  }

  async syncIndexes(): Promise<void> {
    for (const m of Object.values(this.connection.models)) await m.createIndexes();
  }

  async ping(): Promise<boolean> {
    try {
      await this.connection.db!.admin().command({ ping: 1 });
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> { await this.connection.close(); }
}

export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}
