import { Injectable } from '@nestjs/common';
import { Database } from '@parley/persistence';
import { newId } from '@parley/platform';

/** Who did what: assignment, merges, blocks, user and inbox changes. */
@Injectable()
export class AuditService {
  constructor(private readonly db: Database) {}

  async record(workspaceId: string, actorId: string | null, action: string, targetType: string, targetId: string, data: object = {}): Promise<void> {
    await this.db.auditLogs.create({ _id: newId(), workspaceId, actorId, action, targetType, targetId, data: scrub(data), createdAt: new Date() });
  }
}

const SECRET = /pass|secret|token|otp/i;
function scrub(data: object): object {
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, SECRET.test(k) ? '[redacted]' : v]));
}
