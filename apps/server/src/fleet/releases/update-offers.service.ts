import { Injectable, Logger } from '@nestjs/common';
import type { NodeRelease, ReleaseTarget } from '@pharos/database';
import {
  checkUpdateManifest,
  nodeTakesUpdates,
  NODE_AUTO_UPDATE_MIN_VERSION,
  type NodeRolloutState,
  type RolloutProgress,
  type UpdateManifest,
} from '@pharos/protocol';
import { PharosConfig } from '../../platform/config/pharos-config';
import type { DbTransaction } from '../../platform/database/transactions';
import { ReleaseFiles } from './release-files';
import { normalizeNodeArch, normalizeNodeOs, pickReleaseTarget, releaseDownloadUrl } from './release-targeting';
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
    return { releaseId: release.id, manifest };
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
    const [nodes, offers] = await Promise.all([this.store.rolloutNodes(), this.store.offersOf(version)]);
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
