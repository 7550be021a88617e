import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Database } from '@parley/persistence';
import { APP_CONFIG, type AppConfig, randomToken } from '@parley/platform';
import { DomainEvents, type Actor } from '@parley/core';


export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Opaque bearer tokens, stored only as SHA-256 (a database leak gives no usable token). Every request
 * resolves the token against the database, so revocation and deactivation take effect at once.
 */
@Injectable()
export class TokenService {
  constructor(private readonly db: Database, @Inject(APP_CONFIG) private readonly config: AppConfig, private readonly events: DomainEvents) {}

  async issueAccess(user: { _id: string; workspaceId: string }): Promise<{ token: string; expiresAt: Date }> {
    const token = `pat_${randomToken(32)}`;
    const expiresAt = new Date(Date.now() + this.config.tokenTtlMs);
    await this.db.tokens.create({ _id: hashToken(token), workspaceId: user.workspaceId, userId: user._id, kind: 'access', expiresAt, createdAt: new Date() });
    return { token, expiresAt };
  }

  async issueApi(workspaceId: string, userId: string, name: string): Promise<{ id: string; token: string }> {
    const token = `pak_${randomToken(32)}`;
    const id = hashToken(token).slice(0, 24);
    await this.db.tokens.create({ _id: hashToken(token), workspaceId, userId, kind: 'api', name, prefix: id, createdAt: new Date() });
    return { id, token };
  }

  async resolve(token: string): Promise<Actor | null> {
    const t = await this.db.tokens.findById(hashToken(token)).lean().exec();
    if (!t || t.revokedAt || (t.expiresAt && t.expiresAt.getTime() <= Date.now())) return null;
    const user = await this.db.users.findOne({ _id: t.userId, workspaceId: t.workspaceId }).lean().exec();
    if (!user || !user.active) return null;
    return {
      userId: user._id, workspaceId: user.workspaceId, role: user.role, name: user.name,
      tokenId: t._id, tokenKind: t.kind, isOwner: !!user.isOwner,
    };
  }

  async revoke(workspaceId: string, tokenId: string, userId: string): Promise<void> {
    await this.db.tokens.updateOne({ _id: tokenId, workspaceId }, { $set: { revokedAt: new Date() } }).exec();
    this.events.emit('token.revoked', { workspaceId, tokenId, userId });
  }

  async revokeAllForUser(workspaceId: string, userId: string): Promise<void> {
    await this.db.tokens.updateMany({ workspaceId, userId, revokedAt: null }, { $set: { revokedAt: new Date() } }).exec();
  }

  async listApi(workspaceId: string) {
    const rows = await this.db.tokens.find({ workspaceId, kind: 'api', revokedAt: null }).sort({ createdAt: -1 }).lean().exec();
    return rows.map((r) => ({ id: r.prefix!, name: r.name, userId: r.userId, createdAt: r.createdAt.toISOString() }));
  }

  async revokeApi(workspaceId: string, id: string): Promise<boolean> {
    const t = await this.db.tokens.findOne({ workspaceId, kind: 'api', prefix: id, revokedAt: null }).lean().exec();
    if (!t) return false;
    await this.revoke(workspaceId, t._id, t.userId);
    return true;
  }
}
