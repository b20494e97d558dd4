/**
 * The pseudo-terminals the web terminal runs in, from `node-pty` (Microsoft's, VS Code's).
 * It is a native addon and an optional dependency: where it could not be built the agent
 * runs without the terminal and does not announce it.
 */

export interface PtyProcess {
  readonly pid: number;
  onData(listener: (data: Buffer) => void): void;
  onExit(listener: (exit: { exitCode: number; signal?: number }) => void): void;
  write(data: Buffer): void;
  resize(cols: number, rows: number): void;
  /** Stops reading the PTY: the kernel's buffer fills and the program blocks on its writes. */
  pause(): void;
  resume(): void;
  kill(signal?: string): void;
}

export interface PtyOptions {
  cols: number;
  rows: number;
  cwd: string;
  env: Record<string, string>;
  uid?: number;
  gid?: number;
}

export type SpawnPty = (shell: string, options: PtyOptions) => PtyProcess;

type NodePty = typeof import('node-pty');

/** node-pty's spawn, or why it cannot be had. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional dependency, loaded only when present
export function loadNodePty(load: () => NodePty = () => require('node-pty') as NodePty): SpawnPty | { unavailable: string } {
  let pty: NodePty;
  try {
    pty = load();
  } catch (error) {
    return { unavailable: `node-pty could not be loaded (${(error as Error).message.split('\n')[0]})` };
  }
  return (shell, options) => {
    // `encoding: null`: output as bytes, cut wherever the kernel cut it, not decoded here.
    const child = pty.spawn(shell, [], { name: 'xterm-256color', encoding: null, ...options });
    return {
      pid: child.pid,
      onData: (listener) => void child.onData((data) => listener(data as unknown as Buffer)),
      onExit: (listener) => void child.onExit(listener),
      write: (data) => child.write(data),
      resize: (cols, rows) => child.resize(cols, rows),
      pause: () => child.pause(),
      resume: () => child.resume(),
      kill: (signal) => child.kill(signal),
    };
  };
}
