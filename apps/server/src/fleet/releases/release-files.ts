import { Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PharosConfig } from '../../platform/config/pharos-config';
import { InvalidInputError, PayloadTooLargeError } from '../../platform/errors/domain-errors';

export interface ReceivedFile {
  /** Where the bytes wait until `keep` gives them their name. */
  incoming: string;
  sha256: string;
  size: number;
}

/**
 * Release binaries on disk: `<data dir>/releases/<os>/<file>`. An upload streams into an
 * incoming file while its SHA-256 and size are computed, and is renamed into place only once
 * its release row is being committed.
 */
@Injectable()
export class ReleaseFiles {
  private readonly root: string;

  constructor(config: PharosConfig) {
    this.root = path.join(config.dataDir, 'releases');
  }

  path(os: string, fileName: string): string {
    return path.join(this.root, os, fileName);
  }

  /**
   * Streams a body to disk; refuses (413) past `maxBytes` and an empty body (400). A declared
   * length over the limit is refused before a byte is read; a chunked body that runs over it
   * is cut off, connection included.
   */
  async receive(body: Readable, maxBytes: number, declaredBytes?: number): Promise<ReceivedFile> {
    const tooLarge = () => new PayloadTooLargeError(`a release binary may hold at most ${maxBytes} bytes`);
    if (declaredBytes !== undefined && declaredBytes > maxBytes) throw tooLarge();
    const incoming = path.join(this.root, '.incoming', randomUUID());
    await mkdir(path.dirname(incoming), { recursive: true });
    const hash = createHash('sha256');
    let size = 0;
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > maxBytes) return done(tooLarge());
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, measure, createWriteStream(incoming, { flags: 'wx', mode: 0o644 }));
    } catch (error) {
      await rm(incoming, { force: true });
      throw error;
    }
    if (size === 0) {
      await rm(incoming, { force: true });
      throw new InvalidInputError('the release binary is empty: send it as the request body', 'body');
    }
    return { incoming, sha256: hash.digest('hex'), size };
  }

  async keep(file: ReceivedFile, os: string, fileName: string): Promise<void> {
    const target = this.path(os, fileName);
    await mkdir(path.dirname(target), { recursive: true });
    await rename(file.incoming, target);
  }

  async discard(file: ReceivedFile): Promise<void> {
    await rm(file.incoming, { force: true });
  }

  async remove(os: string, fileName: string): Promise<void> {
    await rm(this.path(os, fileName), { force: true });
  }

  /** The stored file's size, or null when it is missing. */
  size(os: string, fileName: string): Promise<number | null> {
    return stat(this.path(os, fileName)).then(
      (s) => s.size,
      () => null,
    );
  }

  open(os: string, fileName: string): ReadStream {
    return createReadStream(this.path(os, fileName));
  }
}
