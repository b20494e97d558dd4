import type { UserRole } from '@pharos/database';

/** Who a valid access token speaks for. */
export interface AuthenticatedUser {
  id: string;
  username: string;
  role: UserRole;
  /** When the access token expires (ms since epoch): sockets close then. */
  tokenExpiresAt: number;
}
