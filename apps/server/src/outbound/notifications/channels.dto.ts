import { IsBoolean, IsString, MaxLength, MinLength } from 'class-validator';
import { DisplayName, Optional } from '../../platform/http/field-rules';

export class CreateChannelDto {
  @DisplayName()
  name!: string;

  /** One URL: https://…, slack://…, discord://…, teams://…, ntfy://…, gotify://…, telegram://…, smtp://… */
  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  url!: string;

  /** A webhook's HMAC-SHA256 signing secret. */
  @Optional()
  @IsString()
  @MinLength(16)
  @MaxLength(256)
  secret?: string;

  /** Default channels get every rule's notifications unless the rule names its own. */
  @Optional()
  @IsBoolean()
  isDefault?: boolean;

  @Optional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateChannelDto {
  @Optional()
  @DisplayName()
  name?: string;

  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  url?: string;

  /** A new signing secret; "" removes it. */
  @Optional()
  @IsString()
  @MaxLength(256)
  secret?: string;

  @Optional()
  @IsBoolean()
  isDefault?: boolean;

  @Optional()
  @IsBoolean()
  enabled?: boolean;
}
