import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { newestSource, ROOT } from './built-server';

export const AGENT_DIR = path.join(ROOT, 'apps', 'agent');
export const AGENT_JS = path.join(AGENT_DIR, 'dist', 'pharos-agent.js');

/** Bundles the agent (`npm run agent:build`) unless its dist is newer than its sources and the wire types. */
export function ensureAgentBuilt(): void {
  const sources = Math.max(newestSource(path.join(AGENT_DIR, 'src')), newestSource(path.join(ROOT, 'libs', 'protocol', 'src')));
  if (existsSync(AGENT_JS) && statSync(AGENT_JS).mtimeMs >= sources) return;
  execFileSync(process.execPath, [path.join(AGENT_DIR, 'build.mjs')], { cwd: AGENT_DIR, stdio: 'pipe' });
}

/** The real agent, started from its build as an operator would (`node dist/pharos-agent.js …`). */
export class AgentProcess {
  output = '';
  readonly exited: Promise<number | null>;
  exitCode: number | null | undefined;

  private constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve((this.exitCode = code))));
  }

  static start(args: string[], env: Record<string, string>): AgentProcess {
    const child = spawn(process.execPath, [AGENT_JS, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LANG: 'C.UTF-8', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new AgentProcess(child);
  }

  /** Lines of its log that contain `text`. */
  lines(text: string): string[] {
    return this.output.split('\n').filter((line) => line.includes(text));
  }

  /** SIGTERM, as systemd and `docker stop` do; resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (this.exitCode === undefined) this.child.kill('SIGTERM');
    return this.exited;
  }
}
