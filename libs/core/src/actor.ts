import type { Role } from '@parley/contracts';

/** Who is acting: every service call that reads or writes on someone's behalf takes one. */
export interface Actor {
  userId: string;
  workspaceId: string;
  role: Role;
  name: string;
  tokenId: string;
  tokenKind: 'access' | 'api';
  isOwner: boolean;
}

const rank: Record<Role, number> = { agent: 0, supervisor: 1, admin: 2 };
export const atLeast = (actor: { role: Role }, role: Role) => rank[actor.role] >= rank[role];
