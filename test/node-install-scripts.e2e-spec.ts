import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderNodeInstallScript } from '../apps/server/src/sources/nodes/install/node-install-scripts';
import { freePort } from './support/built-server';
import { startPharos, type RunningPharos } from './support/pharos-test-app';

const SCRIPTS = { linux: '/deploy/linux/install.sh', macos: '/deploy/macos/install.sh', windows: '/deploy/windows/install.ps1' } as const;
const PLACEHOLDER = /\{\{[A-Z_]+\}\}|@include/;
/** This machine's architecture as node builds name it (what the Linux script's `uname -m` maps to). */
const ARCH = ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386' } as Record<string, string>)[os.arch()]!;
const HAS_SHELLCHECK = spawnSync('sh', ['-c', 'command -v shellcheck']).status === 0;

/**
 * A stand-in for the node binary, as the script runs it: `report install <url> <secret>` does
 * what the node does (POST {} to the sibling /identity with the secret, docs/protocols/ithiltir-node.md §6)
 * and writes report.yaml where ITHILTIR_NODE_REPORT_CONFIG says.
 */
function fakeNodeBinary(version: string): Buffer {
  return Buffer.from(`#!/bin/sh
# ithiltir-node ${version} (test stand-in)
[ "$1 $2" = "report install" ] || exit 3
reply="$(curl -fsS -X POST -H 'Content-Type: application/json' -H "X-Node-Secret: $4" --data '{}' "\${3%/metrics}/identity")" || exit 4
printf 'version: 1\\ntargets:\\n  - id: 1\\n    url: %s\\n    key: %s\\n# identity: %s\\n' "$3" "$4" "$reply" > "$ITHILTIR_NODE_REPORT_CONFIG"
`);
}

/** Text outside PowerShell strings and comments, so that braces in them do not count. */
function powerShellCode(script: string): string {
  let code = '';
  for (let i = 0; i < script.length; i++) {
    const char = script[i]!;
    if (char === '#') {
      while (i < script.length && script[i] !== '\n') i++;
      code += '\n';
    } else if (char === "'") {
      // '' inside a single-quoted string is a quote.
      for (i++; i < script.length && !(script[i] === "'" && script[i + 1] !== "'"); i++) if (script[i] === "'") i++;
      code += "''";
    } else if (char === '"') {
      for (i++; i < script.length && script[i] !== '"'; i++) if (script[i] === '`') i++;
      code += '""';
    } else code += char;
  }
  return code;
}

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command without blocking the event loop: the Pharos it talks to runs in this process. */
function run(command: string, args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? { PATH: process.env.PATH! }, timeout: 30_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

describe('Ithiltir node install scripts (/deploy/<platform>/install.*)', () => {
  let pharos: RunningPharos;
  let token: string;
  let publicUrl: string;
  let node: { id: string; secret: string; installScripts: Record<'linux' | 'macos' | 'windows', string> };
  const work = mkdtempSync(path.join(os.tmpdir(), 'node-install-'));
  const releases: Record<string, { sha256: string }> = {};

  beforeAll(async () => {
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    pharos = await startPharos({ port, env: { PHAROS_PUBLIC_URL: publicUrl } });
    token = await pharos.login();
    const created = await pharos.request('/api/v1/nodes', { token, body: { name: 'installed-node' } });
    expect(created.status).toBe(201);
    node = { id: created.body.node.id, secret: created.body.secret, installScripts: created.body.installScripts };
    for (const version of ['0.3.0', '0.2.9']) {
      const binary = fakeNodeBinary(version);
      const res = await pharos.request(`/api/v1/releases?version=${version}&os=linux&arch=${ARCH}`, { method: 'POST', rawBody: binary, contentType: 'application/octet-stream', token });
      expect(res.status).toBe(201);
      releases[version] = { sha256: createHash('sha256').update(binary).digest('hex') };
    }
  });
  afterAll(async () => {
    await pharos.close();
    rmSync(work, { recursive: true, force: true });
  });

  async function script(platform: keyof typeof SCRIPTS): Promise<string> {
    const res = await fetch(`${pharos.baseUrl}${SCRIPTS[platform]}`);
    expect(res.status).toBe(200);
    return res.text();
  }

  /** Runs the Linux script as the one-liner would (bash reading it on stdin), with extra arguments and environment. */
  function runLinux(text: string, args: string[], env: Record<string, string> = {}): Promise<Ran> {
    return run('bash', ['-s', '--', ...args], { input: text, env: { PATH: process.env.PATH!, ...env } });
  }

  it('serves every script publicly, rendered with the public URL and no placeholder left', async () => {
    for (const platform of Object.keys(SCRIPTS) as (keyof typeof SCRIPTS)[]) {
      const res = await fetch(`${pharos.baseUrl}${SCRIPTS[platform]}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(platform === 'windows' ? /^text\/plain/ : /^text\/x-shellscript/);
      const text = await res.text();
      expect(text).not.toMatch(PLACEHOLDER);
      expect(text).toContain(platform === 'windows' ? `$PharosUrl = '${publicUrl}'` : `PHAROS_URL='${publicUrl}'`);
    }
  });

  it('renders a public URL with a path and a quote as one word of each language', () => {
    const url = "https://pharos.example:8443/o'ps";
    const linux = renderNodeInstallScript('linux', url);
    expect(execFileSync('bash', ['-c', `${linux.split('\n').filter((l) => /^PHAROS_[A-Z]+=/.test(l)).join('\n')}; printf '%s|' "$PHAROS_URL" "$PHAROS_SCHEME" "$PHAROS_PORT" "$PHAROS_PATH"`]).toString()).toBe(
      "https://pharos.example:8443/o'ps|https|8443|/o'ps|",
    );
    expect(renderNodeInstallScript('windows', url)).toContain("$PharosPath = '/o''ps'");
  });

  it(`passes bash -n and shellcheck${HAS_SHELLCHECK ? '' : ' (shellcheck is not installed: skipped)'} (Linux and macOS)`, async () => {
    for (const platform of ['linux', 'macos'] as const) {
      const file = path.join(work, `${platform}-install.sh`);
      writeFileSync(file, await script(platform));
      execFileSync('bash', ['-n', file]);
      if (HAS_SHELLCHECK) {
        const check = spawnSync('shellcheck', ['--shell=bash', file], { encoding: 'utf8' });
        expect(check.stdout + check.stderr).toBe('');
        expect(check.status).toBe(0);
      }
    }
    if (!HAS_SHELLCHECK) process.stdout.write('node install scripts: shellcheck is not installed, only bash -n was run\n');
  });

  it('PowerShell script: braces, parentheses and brackets balance outside strings and comments', async () => {
    const text = await script('windows');
    const code = powerShellCode(text);
    for (const [open, close] of [['{', '}'], ['(', ')'], ['[', ']']] as const) {
      let depth = 0;
      for (const char of code) {
        if (char === open) depth++;
        if (char === close) depth--;
        expect(depth).toBeGreaterThanOrEqual(0);
      }
      expect(depth).toBe(0);
    }
    expect(text).toContain("-Headers @{ 'X-Node-Secret' = $Secret }");
  });

  it('the issued one-liners run the served scripts with the public host, port and the secret', () => {
    expect(node.installScripts).toEqual({
      linux: `curl -fsSL ${publicUrl}/deploy/linux/install.sh | sudo bash -s -- 127.0.0.1 ${new URL(publicUrl).port} ${node.secret}`,
      macos: `curl -fsSL ${publicUrl}/deploy/macos/install.sh | sudo bash -s -- 127.0.0.1 ${new URL(publicUrl).port} ${node.secret}`,
      windows: `& ([scriptblock]::Create((Invoke-RestMethod '${publicUrl}/deploy/windows/install.ps1'))) 127.0.0.1 ${new URL(publicUrl).port} ${node.secret}`,
    });
  });

  it('--dry-run (the issued one-liner, run as is): downloads the newest build with the secret, checks it, and prints the plan', async () => {
    const oneLiner = node.installScripts.linux.replace('| sudo bash', '| bash');
    // --norc: bash reads ~/.bashrc when its stdin is a socket (as Node's pipes are), as if run by sshd.
    const dry = await run('bash', ['--norc', '-c', `set -o pipefail; ${oneLiner} --dry-run`]);
    expect(dry.stderr).toBe('');
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain(`Downloading the node for linux/${ARCH} from ${publicUrl}/deploy/linux/node_linux_${ARCH}`);
    expect(dry.stdout).toContain(`install version 0.3.0 (sha256 ${releases['0.3.0']!.sha256})`);
    expect(dry.stdout).toContain(`run: ithiltir-node report install ${publicUrl}/api/node/metrics <secret>`);
    expect(dry.stdout).toContain('ExecStart=/var/lib/ithiltir-node/current/ithiltir-node push 3');
    expect(dry.stdout).not.toContain(node.secret);
  });

  it("gets the version the node's release target names, over the newest", async () => {
    const target = await pharos.request('/api/v1/releases/targets', { token, body: { version: '0.2.9', scope: 'servers', serverIds: [node.id] } });
    expect(target.status).toBe(201);
    try {
      const dry = await runLinux(await script('linux'), ['127.0.0.1', node.secret, '10', '--net', 'eth0,eth1', '--dry-run']);
      expect(dry.status).toBe(0);
      expect(dry.stdout).toContain(`install version 0.2.9 (sha256 ${releases['0.2.9']!.sha256})`);
      expect(dry.stdout).toContain('push 10 --net eth0,eth1');
    } finally {
      await pharos.request(`/api/v1/releases/targets/${target.body.items[0].id}`, { method: 'DELETE', token });
    }
  });

  it('installs into a root of its own: the release and `current`, report install against Pharos, the systemd unit, systemctl told', async () => {
    const root = path.join(work, 'root');
    const bin = path.join(work, 'bin');
    const calls = path.join(work, 'systemctl-calls');
    mkdirSync(bin, { recursive: true });
    writeFileSync(path.join(bin, 'systemctl'), `#!/bin/sh\necho "systemctl $*" >> ${calls}\n`);
    chmodSync(path.join(bin, 'systemctl'), 0o755);
    const port = new URL(publicUrl).port;
    const installed = await runLinux(await script('linux'), ['127.0.0.1', port, node.secret], { PATH: `${bin}:${process.env.PATH}`, ITHILTIR_NODE_INSTALL_ROOT: root });
    expect(installed.stderr).toBe('');
    expect(installed.status).toBe(0);
    const home = path.join(root, 'var/lib/ithiltir-node');
    expect(readlinkSync(path.join(home, 'current'))).toBe('releases/0.3.0');
    expect(createHash('sha256').update(readFileSync(path.join(home, 'releases/0.3.0/ithiltir-node'))).digest('hex')).toBe(releases['0.3.0']!.sha256);
    // The stand-in node registered the target as the node does: /identity answered for this secret.
    const report = readFileSync(path.join(home, 'report.yaml'), 'utf8');
    expect(report).toContain(`url: ${publicUrl}/api/node/metrics\n    key: ${node.secret}\n`);
    expect(report).toMatch(/# identity: \{"install_id":"[^"]+"/);
    const unit = readFileSync(path.join(root, 'etc/systemd/system/ithiltir-node.service'), 'utf8');
    expect(unit).toContain('ExecStart=/var/lib/ithiltir-node/current/ithiltir-node push 3\n');
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toEqual([
      'systemctl stop ithiltir-node.service',
      'systemctl daemon-reload',
      'systemctl enable ithiltir-node.service',
      'systemctl restart ithiltir-node.service',
    ]);
  });

  it('stops with a clear message, changing nothing, on a wrong secret, bad arguments, or no build for the platform', async () => {
    const text = await script('linux');
    const wrong = await runLinux(text, ['127.0.0.1', 'pnode_not-the-secret', '--dry-run']);
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toMatch(/Pharos answered 401: .*node secret/);
    expect((await runLinux(text, ['127.0.0.1'])).stderr).toContain('usage:');
    expect((await runLinux(text, ['bad host!', node.secret])).stderr).toContain('the host may hold');
    expect((await runLinux(text, ['127.0.0.1', '70000', node.secret])).stderr).toContain('the port must be a number from 1 to 65535');
    expect((await runLinux(text, ['127.0.0.1', 'secret"with-quote'])).stderr).toContain("give the node's secret");
    // No darwin build was uploaded: the macOS script is told so by Pharos (404), before installing anything.
    const mac = await run('bash', ['-s', '--', '127.0.0.1', node.secret, '--dry-run'], { input: (await script('macos')).replace('case "$(uname -m)" in', 'case arm64 in') });
    expect(mac.status).not.toBe(0);
    expect(mac.stderr).toMatch(/Pharos answered 404: .*no node release for darwin\/arm64/);
  });

  it('serves the install download to nodes only, with its version and SHA-256', async () => {
    const url = `${pharos.baseUrl}/deploy/linux/node_linux_${ARCH}`;
    expect((await fetch(url)).status).toBe(401);
    const res = await fetch(url, { headers: { 'x-node-secret': node.secret } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ithiltir-node-version')).toBe('0.3.0');
    expect(res.headers.get('x-ithiltir-node-sha256')).toBe(releases['0.3.0']!.sha256);
    expect(Buffer.from(await res.arrayBuffer()).toString()).toContain('ithiltir-node 0.3.0');
  });
});
