import { Injectable } from '@nestjs/common';
import { PharosConfig } from '../../../platform/config/pharos-config';
import { SecretSealer } from '../../../platform/secrets/secret-sealer';

/**
 * Keeps the API token Pharos presents to a daemon's container socket: sealed at rest, bound
 * to the daemon, opened only to connect.
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
}
