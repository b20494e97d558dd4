import type { ReleaseTargetScope } from '@pharos/database';
import { NODE_DEPLOY_PATH, NODE_RELEASE_OS, type NodeReleaseOs } from '@pharos/protocol';

/**
 * Release versions are one path segment of a download URL and a directory name on the node:
 * semver-like characters only, never `.` or `..`.
 */
export const RELEASE_VERSION = /^(?!\.{1,2}$)[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$/;

/** Go's GOARCH names for what `uname -m` and others report. */
const ARCH_ALIASES: Record<string, string> = {
  x86_64: 'amd64',
  x64: 'amd64',
  aarch64: 'arm64',
  arm64e: 'arm64',
  i386: '386',
  i686: '386',
  x86: '386',
  armv7l: 'arm',
  armv6l: 'arm',
};

/** A node's architecture as release builds name it (`x86_64` → `amd64`), or null. */
export function normalizeNodeArch(arch: string | null | undefined): string | null {
  const value = arch?.trim().toLowerCase();
  if (!value) return null;
  return ARCH_ALIASES[value] ?? value;
}

/** A node's OS as release builds name it, or null when Pharos has no builds for it. */
export function normalizeNodeOs(os: string | null | undefined): NodeReleaseOs | null {
  const value = os?.trim().toLowerCase();
  return (NODE_RELEASE_OS as readonly string[]).includes(value ?? '') ? (value as NodeReleaseOs) : null;
}

/** The name a release binary is stored and served under, unique per os. */
export function releaseFileName(version: string, os: NodeReleaseOs, arch: string): string {
  return `ithiltir-node_${version}_${os}_${arch}${os === 'windows' ? '.exe' : ''}`;
}

/** Where nodes download a release: under Pharos's public URL, never with the secret in it. */
export function releaseDownloadUrl(publicUrl: string, os: string, fileName: string): string {
  return `${publicUrl}${releaseDownloadPath(os, fileName)}`;
}

/** The path of a release file under /deploy, as nodes request it. */
export function releaseDownloadPath(os: string, fileName: string): string {
  return `${NODE_DEPLOY_PATH}/${os}/${encodeURIComponent(fileName)}`;
}

export interface TargetRule {
  id: string;
  version: string;
  scope: ReleaseTargetScope;
  group: string | null;
  serverId: string | null;
  createdAt: Date;
}

const SPECIFICITY: Record<ReleaseTargetScope, number> = { server: 3, group: 2, all: 1 };

/**
 * The target that decides a node's version: of those naming the node, its group or all nodes,
 * the most specific, then the newest.
 */
export function pickReleaseTarget<T extends TargetRule>(targets: readonly T[], node: { serverId: string; group: string | null }): T | null {
  let best: T | null = null;
  for (const target of targets) {
    const applies =
      target.scope === 'all' ||
      (target.scope === 'group' && node.group !== null && target.group === node.group) ||
      (target.scope === 'server' && target.serverId === node.serverId);
    if (!applies) continue;
    if (
      !best ||
      SPECIFICITY[target.scope] > SPECIFICITY[best.scope] ||
      (SPECIFICITY[target.scope] === SPECIFICITY[best.scope] && target.createdAt > best.createdAt)
    ) {
      best = target;
    }
  }
  return best;
}
