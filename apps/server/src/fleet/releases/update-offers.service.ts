import { Injectable, Logger } from '@nestjs/common';
import type { NodeRelease, ReleaseTarget } from '@pharos/database';
import {
  checkUpdateManifest,
  compareNodeVersions,
  NODE_UPGRADE_TOKEN_PARAM,
  nodeSendsSecretOnDownload,
  nodeTakesUpdates,
  NODE_AUTO_UPDATE_MIN_VERSION,
  type NodeReleaseOs,
  type NodeRolloutState,
  type RolloutProgress,
  type UpdateManifest,
} from '@pharos/protocol';
import { randomBytes } from 'node:crypto';
import { PharosConfig } from '../../platform/config/pharos-config';
import { hashSecret } from '../../platform/secrets/secret-token';
import type { DbTransaction } from '../../platform/database/transactions';
import { ReleaseFiles } from './release-files';
import { normalizeNodeArch, normalizeNodeOs, pickReleaseTarget, releaseDownloadPath, releaseDownloadUrl } from './release-targeting';
import { ReleaseStore } from './release.store';

/** What Pharos knows of a node when it decides whether to offer it an update. */
export interface NodeForUpdate {
  serverId: string;
  group: string | null;
  /** From the node's Static, as reported (null until it has posted one). */
  os: string | null;
  arch: string | null;
  /** The version the node reports now. */
  version: string;
}

export interface UpdateOffer {
  releaseId: string;
  manifest: UpdateManifest;
}

interface Catalog {
  targets: ReleaseTarget[];
  /** Releases by `version/os/arch`. */
  releases: Map<string, NodeRelease>;
}

const buildKey = (version: string, os: string, arch: string) => `${version}/${os}/${arch}`;

/** How long an upgrade token opens its file (the reference Dash's 30 minutes). */
const UPGRADE_TOKEN_TTL_MS = 30 * 60_000;
/** A token with less left than this is not offered again: a node's download may take 10 min. */
const UPGRADE_TOKEN_MIN_LEFT_MS = 12 * 60_000;

/**
 * Decides, on each metrics report, whether the reply carries an update manifest, and keeps
 * the record of what was offered to whom. Targets and releases are few and change only by an
 * admin's hand: they are cached, and the cache is dropped on every change.
 */
@Injectable()
export class UpdateOffersService {
  private readonly logger = new Logger(UpdateOffersService.name);
  private catalog?: Promise<Catalog>;
  /** Releases whose stored file was checked against their recorded size, and the outcome. */
  private readonly servable = new Map<string, boolean>();
  /**
   * The upgrade tokens offered lately, by node and release, in clear: only their hashes are
   * stored, and a node is offered the same URL every round while its token has time left.
   */
  private readonly upgradeTokens = new Map<string, { token: string; expiresAt: number }>();

  constructor(
    private readonly store: ReleaseStore,
    private readonly config: PharosConfig,
    private readonly files: ReleaseFiles,
  ) {}

  /** Targets or releases changed. */
  invalidate(): void {
    this.catalog = undefined;
    this.servable.clear();
  }

  /**
   * The manifest for this node, when every rule holds: a target decides a version for it, a
   * build of that version exists for its os/arch, the node runs 0.2.1 or later and another
   * version, the file is there with the recorded size, and the manifest passes the node's
   * own checks.
   */
  async offerFor(node: NodeForUpdate): Promise<UpdateOffer | null> {
    const os = normalizeNodeOs(node.os);
    const arch = normalizeNodeArch(node.arch);
    if (!os || !arch || !nodeTakesUpdates(node.version)) return null;
    const { targets, releases } = await this.load();
    const target = pickReleaseTarget(targets, node);
    if (!target || target.version === node.version) return null;
    const release = releases.get(buildKey(target.version, os, arch));
    if (!release) return null;
    const manifest: UpdateManifest = {
      id: release.id,
      version: release.version,
      url: releaseDownloadUrl(this.config.publicUrl, release.os, release.fileName),
      sha256: release.sha256,
      size: release.size,
    };
    const check = checkUpdateManifest(manifest, node.version);
    if (!check.ok) {
      this.logger.warn(`release ${release.id} is not offered: the node would refuse its manifest (${check.reason})`);
      return null;
    }
    if (!(await this.isServable(release))) return null;
    // 0.2.1 and 0.2.2 download without X-Node-Secret: /deploy would refuse them every round.
    if (!nodeSendsSecretOnDownload(node.version)) {
      manifest.url += `?${NODE_UPGRADE_TOKEN_PARAM}=${await this.upgradeToken(node.serverId, release, new URL(manifest.url).pathname)}`;
    }
    return { releaseId: release.id, manifest };
  }

  /**
   * The build a node being installed gets (`/deploy/<os>/node_<os>_<arch>`, the install
   * scripts'): the version its release target names when that has a build for os/arch, else the
   * newest version uploaded for os/arch; null when there is none.
   */
  async installBuild(node: { serverId: string; group: string | null }, os: NodeReleaseOs, arch: string): Promise<NodeRelease | null> {
    const { targets, releases } = await this.load();
    const target = pickReleaseTarget(targets, node);
    const targeted = target ? releases.get(buildKey(target.version, os, arch)) : undefined;
    if (targeted) return targeted;
    let newest: NodeRelease | null = null;
    for (const release of releases.values()) {
      if (release.os !== os || release.arch !== arch) continue;
      const order = newest && (compareNodeVersions(release.version, newest.version) || (release.createdAt > newest.createdAt ? 1 : -1));
      if (!newest || order === 1) newest = release;
    }
    return newest;
  }

  /** The node's token for the release's file: the one offered lately while it has time left, else a new one (its hash stored). */
  private async upgradeToken(serverId: string, release: NodeRelease, path: string): Promise<string> {
    const key = `${serverId}/${release.id}`;
    const now = Date.now();
    const offered = this.upgradeTokens.get(key);
    if (offered && offered.expiresAt - now > UPGRADE_TOKEN_MIN_LEFT_MS) return offered.token;
    const token = randomBytes(16).toString('hex');
    const expiresAt = now + UPGRADE_TOKEN_TTL_MS;
    await this.store.createUpgradeToken({ tokenHash: hashSecret(token), serverId, releaseId: release.id, path: relativeDeployPath(path, release), createdAt: new Date(now), expiresAt: new Date(expiresAt) });
    for (const [k, t] of this.upgradeTokens) if (t.expiresAt <= now) this.upgradeTokens.delete(k);
    this.upgradeTokens.set(key, { token, expiresAt });
    return token;
  }

  /** Whether an upgrade token opens this file now; it is marked used when it does. */
  async acceptUpgradeToken(token: string, os: string, fileName: string): Promise<boolean> {
    const path = releaseDownloadPath(os, fileName);
    return (await this.store.useUpgradeToken(hashSecret(token), path, new Date())) !== null;
  }

  /** Records that the node was offered the release (first time, or once more). */
  recordOffer(releaseId: string, serverId: string, fromVersion: string, tx?: DbTransaction): Promise<void> {
    return this.store.recordOffer(releaseId, serverId, fromVersion, tx);
  }

  /** The node now reports `version`: offers of that version to it are adopted. */
  markAdopted(serverId: string, version: string, tx?: DbTransaction): Promise<void> {
    return this.store.markAdopted(serverId, version, tx);
  }

  /** Where the rollout of a version stands, node by node. */
  async rollout(version: string): Promise<RolloutProgress> {
    const { targets, releases } = await this.load();
    const builds = [...releases.values()].filter((r) => r.version === version);
    const [nodes, offers, tokens] = await Promise.all([this.store.rolloutNodes(), this.store.offersOf(version), this.store.latestUpgradeTokens(version)]);
    const offerOf = new Map(offers.map((o) => [o.serverId, o]));
    const progress: RolloutProgress = {
      version,
      builds: builds.map((r) => ({ releaseId: r.id, os: r.os, arch: r.arch })),
      counts: { targeted: 0, updated: 0, offered: 0, pending: 0, ineligible: 0 },
      nodes: [],
    };
    for (const node of nodes) {
      if (pickReleaseTarget(targets, { serverId: node.id, group: node.group })?.version !== version) continue;
      const offer = offerOf.get(node.id);
      const token = tokens.get(node.id);
      const os = normalizeNodeOs(node.nodeStatic?.os);
      const arch = normalizeNodeArch(node.nodeStatic?.arch);
      let state: NodeRolloutState;
      let reason: string | undefined;
      if (node.agentVersion === version) state = 'updated';
      else if (offer) state = 'offered';
      else if (!node.nodeStatic) [state, reason] = ['ineligible', 'no static facts reported yet'];
      else if (!node.agentVersion || !nodeTakesUpdates(node.agentVersion)) {
        [state, reason] = ['ineligible', `reports ${node.agentVersion ?? 'no version'}; automatic updates need ${NODE_AUTO_UPDATE_MIN_VERSION} or later`];
      } else if (!os || !arch || !releases.has(buildKey(version, os, arch))) {
        [state, reason] = ['ineligible', `no build for ${node.nodeStatic.os}/${node.nodeStatic.arch}`];
      } else state = 'pending';
      progress.counts.targeted++;
      progress.counts[state]++;
      progress.nodes.push({
        serverId: node.id,
        name: node.name,
        group: node.group,
        status: node.status,
        version: node.agentVersion,
        state,
        ...(reason ? { reason } : {}),
        ...(offer
          ? { firstOfferedAt: offer.firstOfferedAt.toISOString(), timesOffered: offer.timesOffered, adoptedAt: offer.adoptedAt?.toISOString() ?? null }
          : {}),
        ...(token ? { upgradeToken: { issuedAt: token.createdAt.toISOString(), expiresAt: token.expiresAt.toISOString(), usedAt: token.usedAt?.toISOString() ?? null } } : {}),
      });
    }
    return progress;
  }

  private load(): Promise<Catalog> {
    this.catalog ??= (async () => {
      const { targets, releases } = await this.store.catalog();
      return { targets, releases: new Map(releases.map((r) => [buildKey(r.version, r.os, r.arch), r])) };
    })();
    const loading = this.catalog;
    // A failed load is not kept: the next report tries again.
    loading.catch(() => {
      if (this.catalog === loading) this.catalog = undefined;
    });
    return loading;
  }

  /** The manifest's size must equal the bytes served: checked once per release. */
  private async isServable(release: NodeRelease): Promise<boolean> {
    let ok = this.servable.get(release.id);
    if (ok === undefined) {
      const size = await this.files.size(release.os, release.fileName);
      ok = size === release.size;
      if (!ok) this.logger.error(`release ${release.id} is not offered: its file holds ${size ?? 'no'} bytes, not ${release.size}`);
      this.servable.set(release.id, ok);
    }
    return ok;
  }
}

/** A download URL's path as the /deploy route sees it (a PHAROS_PUBLIC_URL path prefix is the proxy's). */
function relativeDeployPath(path: string, release: NodeRelease): string {
  const own = releaseDownloadPath(release.os, release.fileName);
  return path.endsWith(own) ? own : path;
}
