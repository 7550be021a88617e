import type { Namespace, RemoteSocket, Socket } from 'socket.io';
import type { AgentServerEvents, PresenceStatus, Role } from '@parley/contracts';
import type { Actor } from '@parley/core';

/** What the server keeps on an `/agents` socket; restored with the socket by connection state recovery. */
export interface AgentSocketData { actor: Actor }

/**
 * Client → server events as they arrive: anything at all. Handlers validate before trusting a field
 * (the typed contract map is for clients).
 */
export type AgentInboundEvents = Record<string, (...args: unknown[]) => void>;

/** Messages between API processes (adapter serverSideEmit); only used when Redis is configured. */
export interface AgentsServerSideEvents {
  'parley:presence': (m: { pid: string; workspaceId: string; userId: string; connected: boolean }) => void;
  'parley:presence-choice': (m: { pid: string; workspaceId: string; userId: string; status: PresenceStatus }) => void;
  'parley:presence-drop': (m: { pid: string; workspaceId: string; userId: string }) => void;
  'parley:presence-snapshot': (m: { pid: string; users: string[]; choices: Array<[string, PresenceStatus]> }) => void;
  'parley:presence-hello': (m: { pid: string }) => void;
  'parley:presence-bye': (m: { pid: string }) => void;
  'parley:inbox-changed': (m: { pid: string; workspaceId: string; inboxId: string }) => void;
  /** Each process moves its own sockets of the user: only the local socket carries the actor that is checked. */
  'parley:user-updated': (m: { pid: string; workspaceId: string; userId: string; role: Role; name: string }) => void;
  'parley:team-changed': (m: { pid: string; workspaceId: string; teamId: string; left: string[] }) => void;
}

export type AgentsNamespace = Namespace<AgentInboundEvents, AgentServerEvents, AgentsServerSideEvents, AgentSocketData>;
export type AgentSocket = Socket<AgentInboundEvents, AgentServerEvents, AgentsServerSideEvents, AgentSocketData>;
export type AnyAgentSocket = AgentSocket | RemoteSocket<AgentServerEvents, AgentSocketData>;
