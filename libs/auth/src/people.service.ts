import { Inject, Injectable } from '@nestjs/common';
import { Database, isDuplicateKey, WorkspaceScopedRepository, type TeamDoc, type UserDoc } from '@parley/persistence';
import { newId, SecretBox } from '@parley/platform';
import { AuditService, conflict, DomainEvents, invalid, notFound, PresenceRegistry, type Actor } from '@parley/core';
import type { PresenceStatus, Role, TeamDto, UserDto } from '@parley/contracts';
import { hashPassword } from './password';
import { TokenService } from './token.service';
import { toUserDto } from './user.mapper';
import { checkTotp, newTotpSecret, totpUri } from './totp';

type U = UserDoc & { _id: string };
type T = TeamDoc & { _id: string };

/** Users, teams and workspaces: the people side of a workspace. */
@Injectable()
export class PeopleService {
  private readonly users: WorkspaceScopedRepository<U>;
  private readonly teams: WorkspaceScopedRepository<T>;

  constructor(
    private readonly db: Database,
    private readonly tokens: TokenService,
    private readonly events: DomainEvents,
    private readonly audit: AuditService,
    private readonly presence: PresenceRegistry,
    @Inject(SecretBox) private readonly box: SecretBox,
  ) {
    this.users = new WorkspaceScopedRepository<U>(db.users as never);
    this.teams = new WorkspaceScopedRepository<T>(db.teams as never);
  }

  async createUser(workspaceId: string, input: { name: string; email: string; password: string; role: Role; isOwner?: boolean; phone?: string | null }, actorId: string | null): Promise<UserDto> {
    const now = new Date();
    try {
      const u = await this.users.insert(workspaceId, {
        _id: newId(), name: input.name.trim(), email: input.email.trim().toLowerCase(), passwordHash: await hashPassword(input.password),
        role: input.role, active: true, isOwner: !!input.isOwner, phone: input.phone ?? null, totpSecret: null, totpEnabled: false,
        presence: 'offline', presenceChoice: 'online', createdAt: now, updatedAt: now,
      });
      await this.audit.record(workspaceId, actorId, 'user.created', 'user', u._id, { role: input.role });
      return toUserDto(u);
    } catch (e) {
      if (isDuplicateKey(e)) throw conflict('a user with this email already exists');
      throw e;
    }
  }

  async listUsers(workspaceId: string): Promise<UserDto[]> {
    const [users, teams] = await Promise.all([this.users.find(workspaceId, {}, { sort: { name: 1 } }), this.teams.find(workspaceId)]);
    return users.map((u) => toUserDto(u, {
      presence: u.active ? this.presence.statusOf(workspaceId, u._id) : 'offline',
      teamIds: teams.filter((t) => t.memberIds.includes(u._id)).map((t) => t._id),
    }));
  }

  async getUser(workspaceId: string, id: string): Promise<U> {
    const u = await this.users.findById(workspaceId, id);
    if (!u) throw notFound('user');
    return u;
  }

  async patchUser(actor: Actor, id: string, patch: { name?: string; role?: Role; active?: boolean; phone?: string | null }): Promise<UserDto> {
    const u = await this.getUser(actor.workspaceId, id);
    if (id === actor.userId && (patch.active === false || (patch.role && patch.role !== 'admin'))) {
      throw invalid('you cannot deactivate yourself or lower your own role', { [patch.active === false ? 'active' : 'role']: 'not allowed on yourself' });
    }
    const set: Record<string, unknown> = { updatedAt: new Date() };
    if (patch.name !== undefined) set.name = patch.name.trim();
    if (patch.role !== undefined) set.role = patch.role;
    if (patch.active !== undefined) set.active = patch.active;
    if (patch.phone !== undefined) set.phone = patch.phone;
    const updated = (await this.users.updateById(actor.workspaceId, id, { $set: set }))!;
    if (patch.active === false && u.active) {
      await this.tokens.revokeAllForUser(actor.workspaceId, id);
      this.events.emit('user.deactivated', { workspaceId: actor.workspaceId, userId: id });
    } else if (updated.role !== u.role || updated.name !== u.name) {
      this.events.emit('user.updated', { workspaceId: actor.workspaceId, userId: id, name: updated.name, role: updated.role, previousRole: u.role });
    }
    await this.audit.record(actor.workspaceId, actor.userId, 'user.updated', 'user', id, patch);
    return toUserDto(updated);
  }

  async createTeam(workspaceId: string, input: { name: string; memberIds: string[] }): Promise<TeamDto> {
    await this.assertUsers(workspaceId, input.memberIds);
    const t = await this.teams.insert(workspaceId, { _id: newId(), name: input.name.trim(), memberIds: [...new Set(input.memberIds)], createdAt: new Date() });
    this.events.emit('team.changed', { workspaceId, teamId: t._id, memberIds: t.memberIds, previousMemberIds: [] });
    return { id: t._id, name: t.name, memberIds: t.memberIds };
  }

  async listTeams(workspaceId: string): Promise<TeamDto[]> {
    return (await this.teams.find(workspaceId, {}, { sort: { name: 1 } })).map((t) => ({ id: t._id, name: t.name, memberIds: t.memberIds }));
  }

  async patchTeam(workspaceId: string, id: string, patch: { name?: string; memberIds?: string[] }): Promise<TeamDto> {
    if (patch.memberIds) await this.assertUsers(workspaceId, patch.memberIds);
    const set: Record<string, unknown> = {};
    if (patch.name !== undefined) set.name = patch.name.trim();
    if (patch.memberIds !== undefined) set.memberIds = [...new Set(patch.memberIds)];
    if (!(await this.teams.findById(workspaceId, id))) throw notFound('team');
    // The members as they were, from the write itself: a concurrent patch cannot slip between read and write.
    const before = await this.db.teams.findOneAndUpdate({ _id: id }, { $set: set }, { new: false }).lean().exec();
    if (!before) throw notFound('team');
    const t = { ...before, ...set } as T;
    const previousMemberIds = before.memberIds ?? [];
    if (patch.memberIds !== undefined && !sameMembers(previousMemberIds, t.memberIds)) {
      this.events.emit('team.changed', { workspaceId, teamId: id, memberIds: t.memberIds, previousMemberIds });
    }
    return { id: t._id, name: t.name, memberIds: t.memberIds };
  }

  /**
   * A user's chosen presence (away/busy) is kept on the user, so it survives a restart or a reconnect to a
   * process that never heard of it. Called when they choose.
   */
  async setPresenceChoice(workspaceId: string, userId: string, status: Exclude<PresenceStatus, 'offline'>): Promise<void> {
    await this.users.updateById(workspaceId, userId, { $set: { presenceChoice: status } });
  }

  async presenceChoiceOf(workspaceId: string, userId: string): Promise<Exclude<PresenceStatus, 'offline'>> {
    const u = await this.users.findById(workspaceId, userId);
    const c = u?.presenceChoice;
    return c === 'away' || c === 'busy' ? c : 'online';
  }

  async assertUsers(workspaceId: string, ids: string[]): Promise<void> {
    const unique = [...new Set(ids)];
    const found = await this.users.findByIds(workspaceId, unique);
    if (found.length !== unique.length) {
      const missing = unique.filter((id) => !found.some((u) => u._id === id));
      throw invalid('unknown user ids', { memberIds: `unknown: ${missing.join(', ')}` });
    }
  }

  async createWorkspace(input: { name: string; admin: { name: string; email: string; password: string } }, actorId: string | null): Promise<{ id: string; name: string; admin: UserDto }> {
    const id = newId();
    const existing = await this.db.users.findOne({ email: input.admin.email.trim().toLowerCase() }).lean().exec();
    if (existing) throw conflict('a user with this email already exists');
    await this.db.workspaces.create({ _id: id, name: input.name.trim(), createdAt: new Date() });
    const admin = await this.createUser(id, { ...input.admin, role: 'admin' }, actorId);
    return { id, name: input.name.trim(), admin };
  }

  async setupTotp(actor: Actor): Promise<{ otpauthUrl: string; secret: string }> {
    const u = await this.getUser(actor.workspaceId, actor.userId);
    if (u.totpEnabled) throw conflict('two-factor authentication is already on; disable it first');
    const secret = newTotpSecret();
    await this.users.updateById(actor.workspaceId, u._id, { $set: { totpSecret: this.box.encrypt(secret), updatedAt: new Date() } });
    return { otpauthUrl: totpUri(u.email, secret), secret };
  }

  async enableTotp(actor: Actor, otp: string): Promise<void> {
    const u = await this.getUser(actor.workspaceId, actor.userId);
    if (!u.totpSecret) throw invalid('call /me/2fa/setup first');
    if (!checkTotp(this.box.decrypt(u.totpSecret), otp)) throw invalid('the one-time code is wrong', { otp: 'does not match' });
    await this.users.updateById(actor.workspaceId, u._id, { $set: { totpEnabled: true, updatedAt: new Date() } });
    await this.audit.record(actor.workspaceId, actor.userId, 'user.2fa_enabled', 'user', u._id);
  }

  async disableTotp(actor: Actor, otp: string): Promise<void> {
    const u = await this.getUser(actor.workspaceId, actor.userId);
    if (!u.totpEnabled || !u.totpSecret) throw invalid('two-factor authentication is not on');
    if (!checkTotp(this.box.decrypt(u.totpSecret), otp)) throw invalid('the one-time code is wrong', { otp: 'does not match' });
    await this.users.updateById(actor.workspaceId, u._id, { $set: { totpEnabled: false, totpSecret: null, updatedAt: new Date() } });
    await this.audit.record(actor.workspaceId, actor.userId, 'user.2fa_disabled', 'user', u._id);
  }
}

function sameMembers(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}
