import { Injectable } from '@nestjs/common';
import { PharosConfig } from '../../platform/config/pharos-config';
import { SecretSealer } from '../../platform/secrets/secret-sealer';

/**
 * Channel URLs (they carry bot tokens, webhook paths, SMTP passwords) and webhook signing
 * secrets, sealed at rest under PHAROS_SECRET_KEY and bound to their channel's id; opened
 * only to send.
 */
@Injectable()
export class ChannelVault {
  private readonly urls: SecretSealer;
  private readonly secrets: SecretSealer;

  constructor(config: PharosConfig) {
    this.urls = new SecretSealer(config.secretKey, 'alert channel url');
    this.secrets = new SecretSealer(config.secretKey, 'alert channel signing secret');
  }

  sealUrl(channelId: string, url: string): string {
    return this.urls.seal(url, channelId);
  }

  openUrl(channelId: string, sealed: string): string {
    return this.urls.open(sealed, channelId);
  }

  sealSecret(channelId: string, secret: string): string {
    return this.secrets.seal(secret, channelId);
  }

  openSecret(channelId: string, sealed: string): string {
    return this.secrets.open(sealed, channelId);
  }
}
