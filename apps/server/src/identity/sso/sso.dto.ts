import type { OidcIdentityLink } from '@pharos/protocol';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';

export class LinkOidcIdentityDto implements OidcIdentityLink {
  /** OpenID Connect allows any ASCII string of up to 255 characters as `sub`. */
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  @Matches(/^[\x21-\x7e]+$/, { message: 'subject must be the provider\'s "sub": 1-255 printable ASCII characters, no spaces' })
  subject!: string;
}
