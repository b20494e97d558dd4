import { type ChildProcess, spawn } from 'node:child_process';
import os from 'node:os';
import { CappedOutput } from '../exec/capped-output';
import type { ExecutionContext } from '../exec/execution-context';

/** A `command_response` without its type and id. */
export interface ShellResult {
  output: string;
  exit_code: number | null;
  duration_ms: number;
  error?: string;
}

export interface ShellOptions {
  shell: string;
  timeoutMs: number;
  outputCapBytes: number;
  context: ExecutionContext;
}

/** The exit code `timeout(1)` gives a command it had to stop. */
export const TIMED_OUT_EXIT_CODE = 124;
/** How long a command stopped with SIGTERM has before SIGKILL. */
const KILL_GRACE_MS = 2000;
/** After the shell exits, how long its output may still be arriving (see below). */
const OUTPUT_DRAIN_MS = 250;

/** Commands running now, so that stopping the agent can stop them. */
const running = new Set<ChildProcess>();

/**
 * Runs `<shell> -c <command>` as the context's user, in its directory, with stdin closed,
 * stdout and stderr interleaved into one capped output. A command past its timeout is stopped
 * with its whole process group (SIGTERM, then SIGKILL) and answers exit code 124.
 */
export function runShellCommand(command: string, options: ShellOptions): Promise<ShellResult> {
  const started = performance.now();
  const output = new CappedOutput(options.outputCapBytes);
  const elapsed = () => Math.round(performance.now() - started);
  const { context } = options;
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      // Its own process group (detached), so a timeout kills what the command started too.
      child = spawn(options.shell, ['-c', command], { cwd: context.cwd, env: context.env, uid: context.uid, gid: context.gid, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      resolve({ output: '', exit_code: null, duration_ms: elapsed(), error: couldNotStart(options.shell, error) });
      return;
    }
    running.add(child);
    child.stdout!.on('data', (chunk: Buffer) => output.add(chunk));
    child.stderr!.on('data', (chunk: Buffer) => output.add(chunk));
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      signalGroup(child, 'SIGTERM');
      killTimer = setTimeout(() => signalGroup(child, 'SIGKILL'), KILL_GRACE_MS);
    }, options.timeoutMs);
    let settled = false;
    const settle = (result: Omit<ShellResult, 'output' | 'duration_ms'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(killTimer);
      running.delete(child);
      resolve({ output: output.text(), duration_ms: elapsed(), ...result });
    };
    child.once('error', (error) => settle({ exit_code: null, error: couldNotStart(options.shell, error) }));
    child.once('exit', (code, signal) => {
      // A command that left something running in the background (`daemon &`) leaves it
      // holding the pipes: the answer waits briefly for the last output, not for that.
      void drained(child, OUTPUT_DRAIN_MS).then(() => {
        if (timedOut) settle({ exit_code: TIMED_OUT_EXIT_CODE, error: `timed out after ${options.timeoutMs / 1000} s` });
        else settle({ exit_code: code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0) });
      });
    });
  });
}

/** Stops every command still running (the agent is stopping). */
export function stopRunningCommands(): void {
  for (const child of running) signalGroup(child, 'SIGKILL');
}

function drained(child: ChildProcess, maxMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve();
    }, maxMs);
    child.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

function couldNotStart(shell: string, error: unknown): string {
  return `could not start ${shell}: ${(error as Error).message}`;
}
