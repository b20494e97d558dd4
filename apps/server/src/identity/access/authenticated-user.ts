import type { UserRole } from '@pharos/database';
import type { ApiTokenScope } from '@pharos/protocol';

/** Who a valid access token (or personal API token) speaks for. */
export interface AuthenticatedUser {
  id: string;
  username: string;
  role: UserRole;
  /** When the access token expires (ms since epoch): sockets close then. */
  tokenExpiresAt: number;
  /** The session (refresh-token family) the access token belongs to; absent for an API token. */
  sessionId?: string;
  /** The personal API token of the request, when it came with one instead of a session. */
  apiToken?: { id: string; name: string; scopes: ApiTokenScope[] };
}
