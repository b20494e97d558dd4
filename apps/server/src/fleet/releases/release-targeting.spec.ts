import { normalizeNodeArch, normalizeNodeOs, pickReleaseTarget, RELEASE_VERSION, releaseFileName, type TargetRule } from './release-targeting';

describe('release targeting', () => {
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 23, 9, minute));
  const all: TargetRule = { id: 'all', version: '0.3.0', scope: 'all', group: null, serverId: null, createdAt: at(0) };
  const web: TargetRule = { id: 'web', version: '0.3.1', scope: 'group', group: 'web', serverId: null, createdAt: at(1) };
  const canary: TargetRule = { id: 'canary', version: '0.4.0-rc.1', scope: 'server', group: null, serverId: 'node-7', createdAt: at(2) };
  const newerAll: TargetRule = { ...all, id: 'all-2', version: '0.3.2', createdAt: at(3) };

  it('prefers the node itself, then its group, then all nodes', () => {
    const targets = [all, web, canary];
    expect(pickReleaseTarget(targets, { serverId: 'node-7', group: 'web' })?.id).toBe('canary');
    expect(pickReleaseTarget(targets, { serverId: 'node-8', group: 'web' })?.id).toBe('web');
    expect(pickReleaseTarget(targets, { serverId: 'node-9', group: 'db' })?.id).toBe('all');
    expect(pickReleaseTarget(targets, { serverId: 'node-9', group: null })?.id).toBe('all');
  });

  it('takes the newest of equally specific targets, and nothing when none applies', () => {
    expect(pickReleaseTarget([newerAll, all], { serverId: 'x', group: null })?.id).toBe('all-2');
    expect(pickReleaseTarget([web, canary], { serverId: 'x', group: 'db' })).toBeNull();
  });

  it('names architectures as Go builds do', () => {
    expect(normalizeNodeArch('x86_64')).toBe('amd64');
    expect(normalizeNodeArch('AARCH64')).toBe('arm64');
    expect(normalizeNodeArch('amd64')).toBe('amd64');
    expect(normalizeNodeArch('riscv64')).toBe('riscv64');
    expect(normalizeNodeArch('')).toBeNull();
    expect(normalizeNodeOs('Linux')).toBe('linux');
    expect(normalizeNodeOs('freebsd')).toBeNull();
  });

  it('accepts versions that are one safe path segment', () => {
    for (const ok of ['0.3.0', '0.4.0-rc.1', '1.0.0+build.5', 'v2.0.0']) expect(RELEASE_VERSION.test(ok)).toBe(true);
    for (const bad of ['', '.', '..', '../x', '0.3/0', '0.3\\0', ' 0.3.0', '-0.3.0', 'a'.repeat(65)]) expect(RELEASE_VERSION.test(bad)).toBe(false);
  });

  it('names files by version, os and arch, with .exe on Windows', () => {
    expect(releaseFileName('0.3.0', 'linux', 'amd64')).toBe('ithiltir-node_0.3.0_linux_amd64');
    expect(releaseFileName('0.3.0', 'windows', 'amd64')).toBe('ithiltir-node_0.3.0_windows_amd64.exe');
  });
});
