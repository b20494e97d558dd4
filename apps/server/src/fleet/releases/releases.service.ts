import { Injectable } from '@nestjs/common';
import { type NodeRelease, Prisma, type ReleaseTarget } from '@pharos/database';
import type { NodeReleaseOs, ReleaseTargetView, ReleaseView } from '@pharos/protocol';
import type { ReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { PharosConfig } from '../../platform/config/pharos-config';
import { Transactions } from '../../platform/database/transactions';
import { ConflictError, InvalidInputError, NotFoundError } from '../../platform/errors/domain-errors';
import { type AuditActor, AuditLogService } from '../../identity/audit/audit-log.service';
import { isUuid } from '../../platform/http/uuid';
import { ReleaseFiles } from './release-files';
import { normalizeNodeArch, releaseDownloadUrl, releaseFileName } from './release-targeting';
import { ReleaseStore, type TargetScope } from './release.store';
import { UpdateOffersService } from './update-offers.service';

/** A release file being served. */
export interface ReleaseDownload {
  stream: ReadStream;
  size: number;
  fileName: string;
}

export interface NewTargets {
  version: string;
  scope: 'all' | 'group' | 'servers';
  group?: string;
  serverIds?: string[];
}

function toTargetView(t: ReleaseTarget): ReleaseTargetView {
  return { id: t.id, version: t.version, scope: t.scope, group: t.group, serverId: t.serverId, createdAt: t.createdAt.toISOString() };
}

/**
 * Node releases (one binary per version, os and arch) and the targets that say which nodes
 * should run which version. Every change drops the offer cache, so the next report sees it.
 */
@Injectable()
export class ReleasesService {
  constructor(
    private readonly store: ReleaseStore,
    private readonly transactions: Transactions,
    private readonly config: PharosConfig,
    private readonly files: ReleaseFiles,
    private readonly offers: UpdateOffersService,
    private readonly audit: AuditLogService,
  ) {}

  toView(release: NodeRelease): ReleaseView {
    return {
      id: release.id,
      version: release.version,
      os: release.os,
      arch: release.arch,
      fileName: release.fileName,
      sha256: release.sha256,
      size: release.size,
      url: releaseDownloadUrl(this.config.publicUrl, release.os, release.fileName),
      createdAt: release.createdAt.toISOString(),
    };
  }

  /**
   * Stores an uploaded binary: streamed to disk while hashed, then recorded. A version, os and
   * arch that already has a release is refused (409): a release never changes under the nodes
   * it was offered to.
   */
  async upload(
    input: { version: string; os: NodeReleaseOs; arch: string },
    body: Readable,
    declaredBytes: number | undefined,
    actor: AuditActor,
  ): Promise<ReleaseView> {
    const arch = normalizeNodeArch(input.arch)!;
    const fileName = releaseFileName(input.version, input.os, arch);
    const conflict = () => new ConflictError(`a release ${input.version} for ${input.os}/${arch} exists already; delete it first`);
    if (await this.store.build(input.version, input.os, arch)) {
      throw conflict();
    }
    const file = await this.files.receive(body, this.config.nodeReleaseMaxBytes, declaredBytes);
    let kept = false;
    try {
      const release = await this.transactions.run(async (tx) => {
        const created = await this.store.createRelease(
          { version: input.version, os: input.os, arch, fileName, sha256: file.sha256, size: file.size, uploadedBy: actor.id },
          tx,
        );
        await this.audit.record(actor, 'release.upload', { type: 'release', id: created.id }, { version: created.version, os: created.os, arch, sha256: created.sha256, size: created.size }, tx);
        // Named last: an upload refused as a duplicate never replaces the file of the one kept.
        await this.files.keep(file, input.os, fileName);
        kept = true;
        return created;
      });
      this.offers.invalidate();
      return this.toView(release);
    } catch (error) {
      // The row did not commit: no file may stay without it.
      await (kept ? this.files.remove(input.os, fileName) : this.files.discard(file));
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') throw conflict();
      throw error;
    }
  }

  async list(): Promise<ReleaseView[]> {
    const releases = await this.store.releases();
    return releases.map((r) => this.toView(r));
  }

  async delete(id: string, actor: AuditActor): Promise<void> {
    const release = isUuid(id) ? await this.store.release(id) : null;
    if (!release) throw new NotFoundError(`release ${id} not found`);
    await this.transactions.run(async (tx) => {
      await this.store.deleteRelease(id, tx);
      await this.audit.record(actor, 'release.delete', { type: 'release', id }, { version: release.version, os: release.os, arch: release.arch }, tx);
    });
    this.offers.invalidate();
    await this.files.remove(release.os, release.fileName);
  }

  /** The binary a node asks for at /deploy/<os>/<file>. */
  async download(os: string, fileName: string): Promise<ReleaseDownload> {
    const release = await this.store.byFile(os, fileName);
    if (!release || (await this.files.size(os, fileName)) !== release.size) throw new NotFoundError(`no release file ${os}/${fileName}`);
    return { stream: this.files.open(os, fileName), size: release.size, fileName };
  }

  /**
   * The build a node being installed downloads (see `UpdateOffersService.installBuild`), with
   * its version and digest for the install script to check; 404 when none was uploaded.
   */
  async installDownload(node: { serverId: string; group: string | null }, os: NodeReleaseOs, arch: string): Promise<ReleaseDownload & { version: string; sha256: string }> {
    const release = await this.offers.installBuild(node, os, arch);
    if (!release) throw new NotFoundError(`no node release for ${os}/${arch} was uploaded: upload one (Releases) and run the installer again`);
    return { ...(await this.download(release.os, release.fileName)), version: release.version, sha256: release.sha256 };
  }

  /** Aims a version at all nodes, one group, or chosen nodes (one target per node). */
  async addTargets(input: NewTargets, actor: AuditActor): Promise<ReleaseTargetView[]> {
    if (!(await this.store.hasVersion(input.version))) {
      throw new InvalidInputError(`no release of version ${input.version} was uploaded`, 'version');
    }
    let rows: TargetScope[];
    if (input.scope === 'all') rows = [{ scope: 'all', group: null, serverId: null }];
    else if (input.scope === 'group') {
      if (!input.group) throw new InvalidInputError('group is required for scope "group"', 'group');
      rows = [{ scope: 'group', group: input.group, serverId: null }];
    } else {
      const ids = [...new Set(input.serverIds ?? [])];
      if (ids.length === 0) throw new InvalidInputError('serverIds is required for scope "servers"', 'serverIds');
      const found = await this.store.nodesAmong(ids.filter(isUuid));
      const missing = ids.find((id) => !found.includes(id));
      if (missing) throw new InvalidInputError(`${missing} is not an Ithiltir node`, 'serverIds');
      rows = ids.map((serverId) => ({ scope: 'server', group: null, serverId }));
    }
    const created = await this.transactions.run(async (tx) => {
      const targets = await this.store.createTargets(input.version, rows, actor.id, tx);
      for (const t of targets) {
        await this.audit.record(actor, 'release.target', { type: 'release_target', id: t.id }, { version: t.version, scope: t.scope, group: t.group, serverId: t.serverId }, tx);
      }
      return targets;
    });
    this.offers.invalidate();
    return created.map(toTargetView);
  }

  async listTargets(): Promise<ReleaseTargetView[]> {
    return (await this.store.targets()).map(toTargetView);
  }

  async removeTarget(id: string, actor: AuditActor): Promise<void> {
    const target = isUuid(id) ? await this.store.target(id) : null;
    if (!target) throw new NotFoundError(`release target ${id} not found`);
    await this.transactions.run(async (tx) => {
      await this.store.deleteTarget(id, tx);
      await this.audit.record(actor, 'release.untarget', { type: 'release_target', id }, { version: target.version, scope: target.scope }, tx);
    });
    this.offers.invalidate();
  }
}
