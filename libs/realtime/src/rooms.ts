/** Room names of DESIGN.md §4. A socket joins only rooms whose events its user may read. */
export const rooms = {
  workspace: (workspaceId: string) => `ws:${workspaceId}`,
  supervisors: (workspaceId: string) => `supervisors:${workspaceId}`,
  inbox: (inboxId: string) => `inbox:${inboxId}`,
  conversation: (conversationId: string) => `conv:${conversationId}`,
  user: (userId: string) => `user:${userId}`,
  /** Server-internal: lets a revoked token's sockets be found on every process. */
  token: (tokenId: string) => `token:${tokenId}`,
};

export const INBOX_ROOM_PREFIX = 'inbox:';
export const CONVERSATION_ROOM_PREFIX = 'conv:';
export const SUPERVISORS_ROOM_PREFIX = 'supervisors:';
