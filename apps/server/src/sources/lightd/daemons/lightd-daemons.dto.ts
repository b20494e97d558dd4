import { IsString, IsUrl, IsUUID, MaxLength, MinLength } from 'class-validator';
import { DisplayName, Optional } from '../../../platform/http/field-rules';

const API_URL_RULE = { protocols: ['http', 'https'], require_protocol: true, require_tld: false, require_valid_protocol: true };
const API_URL_MESSAGE = 'apiUrl must be the daemon\'s http(s) base URL, e.g. http://node-7:8070';
const DAEMON_NAME_MAX_LENGTH = 100;

export class RegisterDaemonDto {
  @DisplayName(DAEMON_NAME_MAX_LENGTH)
  name!: string;

  /** The daemon's own API base URL, for the console proxy. */
  @IsUrl(API_URL_RULE, { message: API_URL_MESSAGE })
  @MaxLength(2048)
  apiUrl!: string;

  /** Lightd's master token (`authorization.token`): Pharos mints console tokens and asks statuses with it. */
  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  apiToken?: string;
}

export class UpdateDaemonDto {
  @Optional()
  @DisplayName(DAEMON_NAME_MAX_LENGTH)
  name?: string;

  @Optional()
  @IsUrl(API_URL_RULE, { message: API_URL_MESSAGE })
  @MaxLength(2048)
  apiUrl?: string;

  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  apiToken?: string;
}

export class DaemonIdParam {
  @IsUUID()
  id!: string;
}
