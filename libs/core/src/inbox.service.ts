import { Inject, Injectable } from '@nestjs/common';
import { ChannelAdapterRegistry, ChannelConfigError, validateBusinessHours, type ChannelAdapter, type InboxRef } from '@parley/channel-kit';
import type { BusinessHoursDto, ChannelKind, InboxDto } from '@parley/contracts';
import { Database, WorkspaceScopedRepository, type InboxDoc } from '@parley/persistence';
import { APP_CONFIG, newId, randomToken, SecretBox, type AppConfig } from '@parley/platform';
import { AuditService } from './audit.service';
import { DomainEvents } from './domain-events';
import { invalid, notFound } from './errors';

export type InboxRow = InboxDoc & { _id: string };

export interface InboxInput {
  name: string; channel: ChannelKind; config: Record<string, unknown>; teamId?: string | null; memberIds?: string[];
  businessHours?: BusinessHoursDto | null; reopenWindowDays?: number;
}

function getPath(obj: Record<string, unknown>, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}
function setPath(obj: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) {
    if (!o[k] || typeof o[k] !== 'object') o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[keys.at(-1)!] = value;
}
function deletePath(obj: Record<string, unknown>, dotted: string): void {
  const keys = dotted.split('.');
  const parent = keys.length === 1 ? obj : getPath(obj, keys.slice(0, -1).join('.'));
  if (parent && typeof parent === 'object') delete (parent as Record<string, unknown>)[keys.at(-1)!];
}

/**
 * Inboxes hold behaviour (members, team, hours); their channel config holds credentials. Secret keys, as
 * the adapter declares them, are sealed with AES-256-GCM and never leave the server.
 */
@Injectable()
export class InboxService {
  private readonly repo: WorkspaceScopedRepository<InboxRow>;

  constructor(
    private readonly db: Database,
    private readonly registry: ChannelAdapterRegistry,
    @Inject(SecretBox) private readonly box: SecretBox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: DomainEvents,
    private readonly audit: AuditService,
  ) {
    this.repo = new WorkspaceScopedRepository<InboxRow>(db.inboxes as never);
  }

  adapterFor(kind: ChannelKind): ChannelAdapter<unknown> {
    const a = this.registry.get(kind);
    if (!a) throw invalid(`the ${kind} channel is not available in this version`, { channel: `unsupported: ${kind}` });
    return a;
  }

  private async validate(adapter: ChannelAdapter<unknown>, config: unknown): Promise<Record<string, unknown>> {
    try {
      const v = adapter.validateConfig(config ?? {}, { allowPrivateUrls: this.config.allowPrivateUrls });
      return (v instanceof Promise ? await v : v) as Record<string, unknown>;
    } catch (e) {
      if (e instanceof ChannelConfigError) throw invalid(`config.${e.field}: ${e.message}`, { [`config.${e.field}`]: e.message });
      throw e;
    }
  }

  private split(adapter: ChannelAdapter<unknown>, full: Record<string, unknown>): { pub: Record<string, unknown>; secret: Record<string, unknown> } {
    const pub = structuredClone(full);
    const secret: Record<string, unknown> = {};
    for (const k of adapter.secretKeys) {
      const v = getPath(full, k);
      if (v !== undefined) secret[k] = v;
      deletePath(pub, k);
    }
    return { pub, secret };
  }

  private checkHours(bh: unknown): BusinessHoursDto | null {
    if (bh == null) return null;
    try {
      return validateBusinessHours(bh) as BusinessHoursDto;
    } catch (e) {
      const msg = (e as Error).message;
      throw invalid(msg, { [msg.split(':')[0]]: msg.slice(msg.indexOf(':') + 1).trim() });
    }
  }

  async create(workspaceId: string, input: InboxInput, actorId: string): Promise<InboxDto> {
    const adapter = this.adapterFor(input.channel);
    const full = await this.validate(adapter, input.config);
    const { pub, secret } = this.split(adapter, full);
    await this.assertMembership(workspaceId, input.teamId ?? null, input.memberIds ?? []);
    const id = newId();
    const now = new Date();
    const inboxToken = input.channel === 'api' ? `pit_${randomToken(24)}` : null;
    const row = await this.repo.insert(workspaceId, {
      _id: id, name: input.name.trim(), channel: input.channel, configPublic: pub,
      configSecret: Object.keys(secret).length ? this.box.encryptJson(secret) : null,
      inboxToken: inboxToken ? this.box.encrypt(inboxToken) : null,
      widgetToken: input.channel === 'webchat' ? `wt_${randomToken(18)}` : null,
      teamId: input.teamId ?? null, memberIds: [...new Set(input.memberIds ?? [])],
      businessHours: this.checkHours(input.businessHours), reopenWindowDays: input.reopenWindowDays ?? 7,
      health: null, active: true, createdAt: now, updatedAt: now,
    });
    await this.audit.record(workspaceId, actorId, 'inbox.created', 'inbox', id, { channel: input.channel });
    this.events.emit('inbox.changed', { workspaceId, inboxId: id, channel: input.channel });
    return this.toDto(row, { reveal: true });
  }

  async patch(workspaceId: string, id: string, patch: Partial<Omit<InboxInput, 'channel'>>, actorId: string): Promise<InboxDto> {
    const row = await this.get(workspaceId, id);
    const set: Record<string, unknown> = { updatedAt: new Date() };
    if (patch.name !== undefined) set.name = patch.name.trim();
    if (patch.teamId !== undefined || patch.memberIds !== undefined) {
      await this.assertMembership(workspaceId, patch.teamId ?? null, patch.memberIds ?? []);
      if (patch.teamId !== undefined) set.teamId = patch.teamId;
      if (patch.memberIds !== undefined) set.memberIds = [...new Set(patch.memberIds)];
    }
    if (patch.businessHours !== undefined) set.businessHours = this.checkHours(patch.businessHours);
    if (patch.reopenWindowDays !== undefined) set.reopenWindowDays = patch.reopenWindowDays;
    if (patch.config !== undefined) {
      // Secrets are write-only: a patch without them keeps the stored ones.
      const adapter = this.adapterFor(row.channel as ChannelKind);
      const current = this.fullConfig(row);
      const merged = { ...current, ...patch.config };
      for (const k of adapter.secretKeys) if (getPath(patch.config, k) === undefined && getPath(current, k) !== undefined) setPath(merged, k, getPath(current, k));
      const { pub, secret } = this.split(adapter, await this.validate(adapter, merged));
      set.configPublic = pub;
      set.configSecret = Object.keys(secret).length ? this.box.encryptJson(secret) : null;
    }
    const updated = (await this.repo.updateById(workspaceId, id, { $set: set }))!;
    await this.audit.record(workspaceId, actorId, 'inbox.updated', 'inbox', id, { fields: Object.keys(patch) });
    this.events.emit('inbox.changed', { workspaceId, inboxId: id, channel: row.channel });
    return this.toDto(updated, { reveal: true });
  }

  private async assertMembership(workspaceId: string, teamId: string | null, memberIds: string[]): Promise<void> {
    if (teamId && !(await this.db.teams.exists({ _id: teamId, workspaceId }))) throw invalid('unknown team', { teamId: 'not found' });
    const ids = [...new Set(memberIds)];
    if (ids.length && (await this.db.users.countDocuments({ workspaceId, _id: { $in: ids } })) !== ids.length) {
      throw invalid('unknown member ids', { memberIds: 'contains users that do not exist' });
    }
  }

  async get(workspaceId: string, id: string): Promise<InboxRow> {
    const row = await this.repo.findById(workspaceId, id);
    if (!row) throw notFound('inbox');
    return row;
  }

  async list(workspaceId: string): Promise<InboxRow[]> {
    return this.repo.find(workspaceId, {}, { sort: { createdAt: 1 } });
  }

  fullConfig(row: InboxRow): Record<string, unknown> {
    const full = structuredClone((row.configPublic ?? {}) as Record<string, unknown>);
    if (row.configSecret) for (const [k, v] of Object.entries(this.box.decryptJson<Record<string, unknown>>(row.configSecret))) setPath(full, k, v);
    return full;
  }

  inboxToken(row: InboxRow): string | null {
    return row.inboxToken ? this.box.decrypt(row.inboxToken) : null;
  }

  ref(row: InboxRow): InboxRef {
    return { id: row._id, workspaceId: row.workspaceId, name: row.name, channel: row.channel as ChannelKind, inboxToken: this.inboxToken(row) ?? undefined };
  }

  async setHealth(workspaceId: string, id: string, health: { ok: boolean; error?: string }): Promise<void> {
    await this.repo.updateById(workspaceId, id, { $set: { health: { status: health.ok ? 'ok' : 'error', lastError: health.error ?? null, checkedAt: new Date() } } });
  }

  /** Secrets never appear here; the inbox token is shown to admins (they configure integrations with it). */
  toDto(row: InboxRow, opts: { reveal?: boolean } = {}): InboxDto {
    const adapter = this.registry.get(row.channel as ChannelKind);
    const dto: InboxDto = {
      id: row._id, name: row.name, channel: row.channel as ChannelKind, teamId: row.teamId ?? null, memberIds: row.memberIds ?? [],
      businessHours: (row.businessHours as BusinessHoursDto | null) ?? null, reopenWindowDays: row.reopenWindowDays ?? 7,
      config: (row.configPublic ?? {}) as Record<string, unknown>, createdAt: row.createdAt.toISOString(),
    };
    const h = row.health as { status: 'ok' | 'error'; lastError?: string | null; checkedAt: Date } | null;
    dto.health = h ? { status: h.status, ...(h.lastError ? { lastError: h.lastError } : {}), checkedAt: new Date(h.checkedAt).toISOString() } : { status: 'ok', checkedAt: row.updatedAt.toISOString() };
    const urls = adapter?.webhookUrls?.(this.config.publicUrl, row._id);
    if (urls) dto.webhookUrls = urls;
    if (row.widgetToken) {
      dto.widgetToken = row.widgetToken;
      dto.widgetSnippet = `<script src="${this.config.publicUrl}/widget.js" data-widget-token="${row.widgetToken}" async></script>`;
    }
    if (opts.reveal && row.inboxToken) dto.inboxToken = this.box.decrypt(row.inboxToken);
    return dto;
  }
}
