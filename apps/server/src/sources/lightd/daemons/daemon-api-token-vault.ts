import { Injectable } from '@nestjs/common';
import { PharosConfig } from '../../../platform/config/pharos-config';
import { SecretSealer, UnsealError } from '../../../platform/secrets/secret-sealer';
import type { DaemonApi } from './lightd-api-client';

/** A daemon's own API cannot be called: no token is set, or it cannot be opened. The message says what to do. */
export class DaemonApiUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DaemonApiUnavailable';
  }
}

/**
 * Keeps the API token Pharos presents to a daemon's own API (Lightd's `authorization.token`):
 * sealed at rest, bound to the daemon, opened only to call it.
 */
@Injectable()
export class DaemonApiTokenVault {
  private readonly sealer: SecretSealer;

  constructor(config: PharosConfig) {
    this.sealer = new SecretSealer(config.secretKey, 'lightd daemon api token');
  }

  seal(daemonId: string, token: string): string {
    return this.sealer.seal(token, daemonId);
  }

  /** Throws `UnsealError` when the server's secret key changed since it was sealed. */
  open(daemonId: string, sealed: string): string {
    return this.sealer.open(sealed, daemonId);
  }

  /** The daemon's API with its token opened; `DaemonApiUnavailable` when there is none or it cannot be opened. */
  daemonApi(daemon: { id: string; name: string; apiUrl: string; apiTokenSealed: string | null }): DaemonApi {
    if (!daemon.apiTokenSealed) {
      throw new DaemonApiUnavailable(`no API token is set for Lightd daemon "${daemon.name}": an admin must set one to open its consoles`);
    }
    try {
      return { label: `Lightd daemon "${daemon.name}"`, apiUrl: daemon.apiUrl, apiToken: this.open(daemon.id, daemon.apiTokenSealed) };
    } catch (error) {
      if (!(error instanceof UnsealError)) throw error;
      throw new DaemonApiUnavailable(
        `the API token of Lightd daemon "${daemon.name}" cannot be decrypted with this server's secret key (PHAROS_SECRET_KEY changed?): set it again`,
      );
    }
  }
}
