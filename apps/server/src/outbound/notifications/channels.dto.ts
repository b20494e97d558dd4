import { IsBoolean, IsString, MaxLength, MinLength } from 'class-validator';
import { DisplayName, Optional } from '../../platform/http/field-rules';

/** The longest channel URL: https://…, slack://…, discord://…, teams://…, ntfy://…, gotify://…, telegram://…, smtp://… */
const URL_MAX_LENGTH = 4096;
const SECRET_MAX_LENGTH = 256;

/** What a channel may leave out when it is created, and change later. */
class ChannelSwitches {
  /** Default channels get every rule's notifications unless the rule names its own. */
  @Optional()
  @IsBoolean()
  isDefault?: boolean;

  @Optional()
  @IsBoolean()
  enabled?: boolean;
}

export class CreateChannelDto extends ChannelSwitches {
  @DisplayName()
  name!: string;

  /** One URL, its kind by its scheme. */
  @IsString()
  @MinLength(1)
  @MaxLength(URL_MAX_LENGTH)
  url!: string;

  /** A webhook's HMAC-SHA256 signing secret. */
  @Optional()
  @IsString()
  @MinLength(16)
  @MaxLength(SECRET_MAX_LENGTH)
  secret?: string;
}

export class UpdateChannelDto extends ChannelSwitches {
  @Optional()
  @DisplayName()
  name?: string;

  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(URL_MAX_LENGTH)
  url?: string;

  /** A new signing secret; "" removes it. */
  @Optional()
  @IsString()
  @MaxLength(SECRET_MAX_LENGTH)
  secret?: string;
}
