import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { shellQuote } from '../../../platform/http/script-template';
import { agentSystemdUnit, renderInstallScript } from './install-script';

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

  it('installs: npm package, root-only key file, config with the public URL and options, the unit, systemd enabled and restarted', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'install-sh-'));
    const bin = path.join(dir, 'bin');
    const root = path.join(dir, 'root');
    const calls = path.join(dir, 'calls');
    mkdirSync(bin);
    mkdirSync(path.join(dir, 'prefix', 'bin'), { recursive: true });
    // Stand-ins for the host's commands, as they answer on a host: root, npm placing the binary, systemctl.
    const stub = (name: string, body: string) => {
      writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`);
      chmodSync(path.join(bin, name), 0o755);
    };
    stub('id', 'echo 0');
    stub('systemctl', `echo "systemctl $*" >> ${calls}`);
    stub('npm', `case "$1" in prefix) echo ${dir}/prefix ;; install) echo "npm $*" >> ${calls}; printf '#!/bin/sh\\n' > ${dir}/prefix/bin/pharos-agent; chmod +x ${dir}/prefix/bin/pharos-agent ;; esac`);
    const file = path.join(dir, 'install.sh');
    writeFileSync(file, renderInstallScript('https://pharos.example/ops'));
    execFileSync('sh', ['-s', '--', '--key', 'pak_Abc-123_x', '--run-as', 'ops', '--workdir', '/srv', '--no-docker'], {
      input: readFileSync(file),
      env: { PATH: `${bin}:${process.env.PATH}`, PHAROS_INSTALL_ROOT: root, PHAROS_AGENT_PACKAGE: './pharos-agent-0.1.0.tgz' },
      stdio: 'pipe',
    });
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toEqual([
      'npm install -g --no-audit --no-fund ./pharos-agent-0.1.0.tgz',
      'systemctl daemon-reload',
      'systemctl enable pharos-agent',
      'systemctl restart pharos-agent',
    ]);
    const env = path.join(root, 'etc/pharos-agent/env');
    expect(readFileSync(env, 'utf8')).toBe('PHAROS_AGENT_KEY=pak_Abc-123_x\n');
    expect(statSync(env).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path.join(root, 'etc/pharos-agent/config.json'), 'utf8'))).toEqual({
      url: 'https://pharos.example/ops',
      commands: true,
      docker: false,
      terminal: true,
      runAs: 'ops',
      workdir: '/srv',
    });
    const unit = readFileSync(path.join(root, 'etc/systemd/system/pharos-agent.service'), 'utf8');
    expect(unit).toBe(agentSystemdUnit(`${dir}/prefix/bin/pharos-agent`));
  });
});
