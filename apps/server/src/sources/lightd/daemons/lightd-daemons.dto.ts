import { IsOptional, IsString, IsUrl, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';

const API_URL_RULE = { protocols: ['http', 'https'], require_protocol: true, require_tld: false, require_valid_protocol: true };
const API_URL_MESSAGE = 'apiUrl must be the daemon\'s http(s) base URL, e.g. http://node-7:8070';
const NAME_PATTERN = /^\S(.*\S)?$/;
const NAME_MESSAGE = 'name must be 1-100 characters without leading or trailing spaces';

export class RegisterDaemonDto {
  @IsString()
  @MaxLength(100)
  @Matches(NAME_PATTERN, { message: NAME_MESSAGE })
  name!: string;

  /** The daemon's own API base URL, for the console proxy. */
  @IsUrl(API_URL_RULE, { message: API_URL_MESSAGE })
  @MaxLength(2048)
  apiUrl!: string;

  /** Lightd's master token (`authorization.token`): Pharos mints console tokens and asks statuses with it. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  apiToken?: string;
}

export class UpdateDaemonDto {
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(NAME_PATTERN, { message: NAME_MESSAGE })
  name?: string;

  @IsOptional()
  @IsUrl(API_URL_RULE, { message: API_URL_MESSAGE })
  @MaxLength(2048)
  apiUrl?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  apiToken?: string;
}

export class DaemonIdParam {
  @IsUUID()
  id!: string;
}
