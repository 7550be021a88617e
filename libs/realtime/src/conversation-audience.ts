import { Injectable } from '@nestjs/common';
import type { ConversationSummary } from '@parley/contracts';
import { Database } from '@parley/persistence';
import { rooms } from './rooms';

export type ConversationRef = Pick<ConversationSummary, 'id' | 'inboxId' | 'assigneeId' | 'teamId'>;

/**
 * Both are forgotten on every process when they change (inbox.changed, team.changed); the TTL only bounds how
 * long a lost cross-process message can leave one stale.
 */
const INBOX_TTL_MS = 30_000;
const TEAM_TTL_MS = 30_000;

/**
 * The rooms that may see a conversation (AccessService's rule, as rooms): its inbox's members, supervisors,
 * its assignee, and the members of its team and of its inbox's team, through their user rooms.
 */
@Injectable()
export class ConversationAudience {
  private readonly inboxTeam = new Map<string, { teamId: string | null; at: number }>();
  private readonly teamMembers = new Map<string, { memberIds: string[]; at: number }>();

  constructor(private readonly db: Database) {}

  async rooms(workspaceId: string, c: ConversationRef): Promise<string[]> {
    const out = new Set([rooms.supervisors(workspaceId), rooms.inbox(c.inboxId)]);
    if (c.assigneeId) out.add(rooms.user(c.assigneeId));
    const teams = new Set<string>();
    if (c.teamId) teams.add(c.teamId);
    const viaInbox = await this.teamOfInbox(workspaceId, c.inboxId);
    if (viaInbox) teams.add(viaInbox);
    for (const t of teams) for (const m of await this.membersOf(workspaceId, t)) out.add(rooms.user(m));
    return [...out];
  }

  /**
   * The rooms a conversation's previous state reached, for telling who lost it. A superset is fine: the caller
   * leaves out every socket that still sees it through the current rooms.
   */
  async previousRooms(workspaceId: string, previous: { assigneeId?: string | null; inboxId?: string; teamId?: string | null }, current: ConversationRef): Promise<string[]> {
    const out: string[] = [];
    if (previous.assigneeId && previous.assigneeId !== current.assigneeId) out.push(rooms.user(previous.assigneeId));
    if (previous.inboxId && previous.inboxId !== current.inboxId) out.push(rooms.inbox(previous.inboxId));
    if (previous.teamId && previous.teamId !== current.teamId) for (const m of await this.membersOf(workspaceId, previous.teamId)) out.push(rooms.user(m));
    return out;
  }

  forgetInbox(inboxId: string): void { this.inboxTeam.delete(inboxId); }

  forgetTeam(teamId: string): void { this.teamMembers.delete(teamId); }

  private async teamOfInbox(workspaceId: string, inboxId: string): Promise<string | null> {
    const hit = this.inboxTeam.get(inboxId);
    if (hit && Date.now() - hit.at < INBOX_TTL_MS) return hit.teamId;
    const row = await this.db.inboxes.findOne({ _id: inboxId, workspaceId }, { teamId: 1 }).lean().exec();
    const teamId = row?.teamId ?? null;
    this.inboxTeam.set(inboxId, { teamId, at: Date.now() });
    return teamId;
  }

  private async membersOf(workspaceId: string, teamId: string): Promise<string[]> {
    const hit = this.teamMembers.get(teamId);
    if (hit && Date.now() - hit.at < TEAM_TTL_MS) return hit.memberIds;
    const row = await this.db.teams.findOne({ _id: teamId, workspaceId }, { memberIds: 1 }).lean().exec();
    const memberIds = row?.memberIds ?? [];
    this.teamMembers.set(teamId, { memberIds, at: Date.now() });
    if (this.teamMembers.size > 5_000) this.teamMembers.clear();
    return memberIds;
  }
}
