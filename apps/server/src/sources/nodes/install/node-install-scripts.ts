import { NODE_DEPLOY_PATH, NODE_RELEASE_OS, type NodeReleaseOs } from '@pharos/protocol';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { normalizeNodeArch } from '../../../fleet/releases/release-targeting';
import { publicUrlParts, renderScriptTemplate, type ScriptLanguage } from '../../../platform/http/script-template';

/**
 * The Ithiltir node's install scripts, as the reference Dash serves them
 * (docs/protocols/ithiltir-node.md §7): templates in `templates/`, filled with the public URL
 * only. The node's secret is their argument; they download the node's build from
 * `/deploy/<os>/node_<os>_<arch>` with it (the release an admin uploaded: `fleet/releases`).
 */
export interface NodeInstallScript {
  /** Where it is served. */
  path: string;
  template: string;
  language: ScriptLanguage;
  contentType: string;
}

export type NodeInstallPlatform = 'linux' | 'macos' | 'windows';

export const NODE_INSTALL_SCRIPTS: Record<NodeInstallPlatform, NodeInstallScript> = {
  linux: { path: `${NODE_DEPLOY_PATH}/linux/install.sh`, template: 'linux-install.sh', language: 'sh', contentType: 'text/x-shellscript; charset=utf-8' },
  macos: { path: `${NODE_DEPLOY_PATH}/macos/install.sh`, template: 'macos-install.sh', language: 'sh', contentType: 'text/x-shellscript; charset=utf-8' },
  windows: { path: `${NODE_DEPLOY_PATH}/windows/install.ps1`, template: 'windows-install.ps1', language: 'powershell', contentType: 'text/plain; charset=utf-8' },
};

/** Reply headers of an install download: the build's version and SHA-256, which the scripts check. */
export const INSTALL_VERSION_HEADER = 'x-ithiltir-node-version';
export const INSTALL_SHA256_HEADER = 'x-ithiltir-node-sha256';

const INSTALL_ASSET = /^node_([a-z]+)_([a-z0-9_]+?)(\.exe)?$/;

/** `node_linux_amd64` under `/deploy/linux/` (`.exe` under windows): the os and arch it asks for, else null. */
export function installAssetOf(os: string, file: string): { os: NodeReleaseOs; arch: string } | null {
  const match = INSTALL_ASSET.exec(file);
  if (!match || match[1] !== os || !(NODE_RELEASE_OS as readonly string[]).includes(os)) return null;
  if ((os === 'windows') !== (match[3] === '.exe')) return null;
  return { os: os as NodeReleaseOs, arch: normalizeNodeArch(match[2])! };
}

/** Shipped beside this file (nest-cli.json copies templates/ into the build). */
const TEMPLATES = path.join(__dirname, 'templates');
/** A line `# @include <file>` stands for that file of templates/ (what the Linux and macOS scripts share). */
const INCLUDE = /^# @include ([a-z-]+\.sh)$/gm;

/** The script for a platform, rendered with the public URL. */
export function renderNodeInstallScript(platform: NodeInstallPlatform, publicUrl: string): string {
  const script = NODE_INSTALL_SCRIPTS[platform];
  const template = readFileSync(path.join(TEMPLATES, script.template), 'utf8').replace(INCLUDE, (_, file: string) =>
    readFileSync(path.join(TEMPLATES, file), 'utf8').trimEnd(),
  );
  return renderScriptTemplate(template, script.language, publicUrl);
}

/**
 * The one-liners an admin runs on the host, with the node's secret (shown when it is issued):
 * the node reports to the public URL's host and port.
 */
export function nodeInstallCommands(publicUrl: string, secret: string): Record<NodeInstallPlatform, string> {
  const { url, host, port } = publicUrlParts(publicUrl);
  const reportTo = `${host.includes(':') ? `[${host}]` : host} ${port} ${secret}`;
  return {
    linux: `curl -fsSL ${url}${NODE_INSTALL_SCRIPTS.linux.path} | sudo bash -s -- ${reportTo}`,
    macos: `curl -fsSL ${url}${NODE_INSTALL_SCRIPTS.macos.path} | sudo bash -s -- ${reportTo}`,
    windows: `& ([scriptblock]::Create((Invoke-RestMethod '${url}${NODE_INSTALL_SCRIPTS.windows.path}'))) ${reportTo}`,
  };
}
