import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { currentUser, lookupUser } from '../config/host-users';
import { executionContext } from '../exec/execution-context';
import { runShellCommand, type ShellOptions, TIMED_OUT_EXIT_CODE } from './shell-command';

describe('shell commands', () => {
  let dir: string;
  let options: ShellOptions;

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'agent-shell-'));
    const context = executionContext({ runAs: null, workdir: dir }, currentUser(), { PATH: process.env.PATH, PHAROS_AGENT_KEY: 'pak_secret', LANG: 'C.UTF-8' });
    options = { shell: '/bin/sh', timeoutMs: 10_000, outputCapBytes: 64 * 1024, context };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs with a shell in the working directory and answers output and exit code', async () => {
    const result = await runShellCommand('echo "hello $(pwd)"; echo oops >&2; exit 3', options);
    expect(result).toEqual({ output: `hello ${dir}\noops\n`, exit_code: 3, duration_ms: expect.any(Number) });
  });

  it('gives commands a clean environment: never the agent\'s key', async () => {
    const result = await runShellCommand('env', options);
    expect(result.output).not.toContain('pak_secret');
    expect(result.output).toContain('LANG=C.UTF-8');
    expect(result.output).toContain(`HOME=${currentUser().home}`);
  });

  it('reads nothing from stdin (a command waiting for input ends at once)', async () => {
    expect(await runShellCommand('cat; echo done', options)).toMatchObject({ output: 'done\n', exit_code: 0 });
  });

  it('stops a command past its timeout, with what it started, and answers 124', async () => {
    const marker = path.join(dir, 'late');
    const started = Date.now();
    const result = await runShellCommand(`echo started; (sleep 3; touch ${marker}) & sleep 30`, { ...options, timeoutMs: 500 });
    expect(result).toMatchObject({ output: 'started\n', exit_code: TIMED_OUT_EXIT_CODE, error: 'timed out after 0.5 s' });
    expect(Date.now() - started).toBeLessThan(5000);
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect(() => readFileSync(marker)).toThrow(); // the background child went with the group
  });

  it('does not wait for what a command left running in the background', async () => {
    const started = Date.now();
    expect(await runShellCommand('sleep 5 & echo left', options)).toMatchObject({ output: 'left\n', exit_code: 0 });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('caps the output, says how much was dropped, and sends storable text', async () => {
    const result = await runShellCommand("head -c 5000 /dev/zero | tr '\\0' x; printf 'a\\000b'", { ...options, outputCapBytes: 1024 });
    expect(result.output).toBe(`${'x'.repeat(1024)}\n[3979 more bytes of output not sent: the agent's output cap is 1024 bytes]`);
    expect((await runShellCommand("printf 'a\\000b\\377'", options)).output).toBe('a\uFFFDb\uFFFD');
  });

  it('answers a signal as 128 + its number, and a shell that cannot start with no exit code', async () => {
    expect(await runShellCommand('kill -TERM $$', options)).toMatchObject({ exit_code: 143 });
    expect(await runShellCommand('true', { ...options, shell: '/nonexistent/sh' })).toMatchObject({ exit_code: null, error: expect.stringMatching(/^could not start \/nonexistent\/sh: /) });
  });

  const asRoot = process.getuid?.() === 0 ? it : it.skip;
  asRoot('runs as the --run-as user, with its home and without the agent\'s groups', async () => {
    const nobody = lookupUser('nobody')!;
    const context = executionContext({ runAs: nobody, workdir: '/' }, currentUser(), { PATH: process.env.PATH });
    const result = await runShellCommand('id -u; id -g; id -G; echo "$HOME $USER"', { ...options, context });
    expect(result).toMatchObject({ exit_code: 0, output: `${nobody.uid}\n${nobody.gid}\n${nobody.gid}\n${nobody.home} nobody\n` });
  });
});
