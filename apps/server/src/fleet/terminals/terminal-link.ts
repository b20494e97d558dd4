import type { TerminalServerMessage } from '@pharos/protocol';

/**
 * One agent connection as the terminal relay needs it. The agent socket
 * (`sources/agents/socket/agent-sessions.ts`) provides it, so the relay never imports the socket
 * that carries its sessions; a session is bound to the connection it was opened on and ends
 * with it (the agent's sessions die with its connection).
 */
export interface TerminalChannel {
  readonly serverId: string;
  /** Sends to the agent; false when the connection is closed. */
  send(message: TerminalServerMessage): boolean;
}

/** The way from the relay to servers' agents. */
export interface TerminalAgentLink {
  /**
   * The server's agent connection in this process when it announced the `terminal` extension;
   * else why not.
   */
  terminalChannel(serverId: string): TerminalChannel | 'not_connected' | 'no_terminal';
}
