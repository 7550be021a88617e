import mongoose, { type Connection, type Model } from 'mongoose';
import * as S from './schemas';

/** A lean document: the schema's fields with our string _id. */
export type Row<T> = T & { _id: string };

export type ServerKind = 'mongodb' | 'ferretdb';

/** The one mongoose connection and its models. */
export class Database {

  readonly workspaces: Model<Row<S.WorkspaceDoc>>;
  readonly users: Model<Row<S.UserDoc>>;
  readonly tokens: Model<Row<S.TokenDoc>>;
  readonly teams: Model<Row<S.TeamDoc>>;
  readonly inboxes: Model<Row<S.InboxDoc>>;
  readonly contacts: Model<Row<S.ContactDoc>>;
  readonly identities: Model<Row<S.IdentityDoc>>;
  readonly conversations: Model<Row<S.ConversationDoc>>;
  readonly slots: Model<Row<S.SlotDoc>>;
  readonly messages: Model<Row<S.MessageDoc>>;
  readonly externalRefs: Model<Row<S.ExternalRefDoc>>;
  readonly deliveries: Model<Row<S.DeliveryDoc>>;
  readonly attachments: Model<Row<S.AttachmentDoc>>;
  readonly notifications: Model<Row<S.NotificationDoc>>;
  readonly cannedResponses: Model<Row<S.CannedResponseDoc>>;
  readonly auditLogs: Model<Row<S.AuditLogDoc>>;
  readonly leases: Model<Row<S.LeaseDoc>>;
  readonly channelState: Model<Row<S.ChannelStateDoc>>;

  private constructor(readonly connection: Connection, readonly server: ServerKind, readonly serverVersion: string) {
    this.workspaces = this.model<Row<S.WorkspaceDoc>>('Workspace', S.WorkspaceSchema);
    this.users = this.model<Row<S.UserDoc>>('User', S.UserSchema);
    this.tokens = this.model<Row<S.TokenDoc>>('Token', S.TokenSchema);
    this.teams = this.model<Row<S.TeamDoc>>('Team', S.TeamSchema);
    this.inboxes = this.model<Row<S.InboxDoc>>('Inbox', S.InboxSchema);
    this.contacts = this.model<Row<S.ContactDoc>>('Contact', S.ContactSchema);
    this.identities = this.model<Row<S.IdentityDoc>>('Identity', S.IdentitySchema);
    this.conversations = this.model<Row<S.ConversationDoc>>('Conversation', S.ConversationSchema);
    this.slots = this.model<Row<S.SlotDoc>>('ConversationSlot', S.ConversationSlotSchema);
    this.messages = this.model<Row<S.MessageDoc>>('Message', S.MessageSchema);
    this.externalRefs = this.model<Row<S.ExternalRefDoc>>('ExternalRef', S.ExternalRefSchema);
    this.deliveries = this.model<Row<S.DeliveryDoc>>('Delivery', S.DeliverySchema);
    this.attachments = this.model<Row<S.AttachmentDoc>>('Attachment', S.AttachmentSchema);
    this.notifications = this.model<Row<S.NotificationDoc>>('Notification', S.NotificationSchema);
    this.cannedResponses = this.model<Row<S.CannedResponseDoc>>('CannedResponse', S.CannedResponseSchema);
    this.auditLogs = this.model<Row<S.AuditLogDoc>>('AuditLog', S.AuditLogSchema);
    this.leases = this.model<Row<S.LeaseDoc>>('Lease', S.LeaseSchema);
    this.channelState = this.model<Row<S.ChannelStateDoc>>('ChannelState', S.ChannelStateSchema);
  }

  private model<T>(name: string, schema: mongoose.Schema): Model<T> {
    return this.connection.model<T>(name, schema as mongoose.Schema<T>);
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
