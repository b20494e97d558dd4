import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { agentSystemdUnit, renderInstallScript, shellQuote } from './install-script';

const ROOT = path.resolve(__dirname, '../../../../../..');

/** The lines of a unit that matter: no comments or blanks. */
function directives(unit: string): string[] {
  return unit.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
}

describe('install.sh', () => {
  it('writes the unit apps/agent/pharos-agent.service describes, with the installed binary', () => {
    const shipped = readFileSync(path.join(ROOT, 'apps/agent/pharos-agent.service'), 'utf8');
    expect(directives(agentSystemdUnit('/usr/local/bin/pharos-agent'))).toEqual(directives(shipped));
  });

  it('quotes the public URL for sh, whatever it holds', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    const script = renderInstallScript("https://pharos.example/it's");
    const dir = mkdtempSync(path.join(tmpdir(), 'install-sh-'));
    const file = path.join(dir, 'install.sh');
    writeFileSync(file, script);
    execFileSync('sh', ['-n', file]);
    // The assignment alone, run by sh, gives the URL back unchanged.
    const assignment = script.split('\n').find((line) => line.startsWith('PHAROS_URL='))!;
    expect(execFileSync('sh', ['-c', `${assignment}; printf %s "$PHAROS_URL"`]).toString()).toBe("https://pharos.example/it's");
  });

  it('refuses to run without a key, before touching anything', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'install-sh-'));
    const file = path.join(dir, 'install.sh');
    writeFileSync(file, renderInstallScript('https://pharos.example'));
    let stderr = '';
    try {
      execFileSync('sh', [file], { env: { PATH: process.env.PATH }, stdio: 'pipe' });
    } catch (error) {
      stderr = String((error as { stderr: Buffer }).stderr);
    }
    expect(stderr).toContain('give the agent\'s API key');
    expect(() => execFileSync('sh', ['-s', '--', '--key', 'pak_a"b'], { input: readFileSync(file), stdio: 'pipe' })).toThrow(/characters a key never has/);
  });
});
