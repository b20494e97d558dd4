import type { AgentServerMessage } from '@pharos/protocol';

/**
 * The way from a command to its server's agent, as the commands need it. The agent socket
 * (`sources/agents/socket/agent-sessions.ts`) provides it and hands it over at start-up, so the
 * commands never import the socket that carries them.
 */
export interface AgentLink {
  /** True when this process holds the server's agent connection now. */
  holds(serverId: string): boolean;
  /** Sends to the server's agent; false when it is not connected here (or just went away). */
  send(serverId: string, message: AgentServerMessage): boolean;
}
