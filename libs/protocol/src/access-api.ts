/**
 * Personal API tokens and sessions as the REST API shows them (`/api/v1/api-tokens`,
 * `/api/v1/sessions`): shared by the server, the dashboard and the tests.
 */

/**
 * What an API token may do. `admin` includes every other scope; a route needs exactly one
 * (docs/security.md lists which).
 */
export const API_TOKEN_SCOPES = ['fleet:read', 'commands:run', 'releases:manage', 'admin'] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];

/** The longest an API token may live (days); a token never expires only by being renewed. */
export const API_TOKEN_MAX_DAYS = 365;

/** A token as lists show it: never the secret, only its first characters. */
export interface ApiTokenView {
  id: string;
  name: string;
  /** `pat_` and a few characters of the token, to tell it apart from the others. */
  prefix: string;
  scopes: ApiTokenScope[];
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
}

/** The answer to creating a token: the token itself, shown this once. */
export interface CreatedApiToken {
  apiToken: ApiTokenView;
  token: string;
}

/** What `POST /api/v1/api-tokens` takes. */
export interface NewApiToken {
  name: string;
  scopes: ApiTokenScope[];
  /** 1 to `API_TOKEN_MAX_DAYS`. */
  expiresInDays: number;
}

/** One signed-in device: a sign-in and its chain of refreshes (a refresh-token family). */
export interface SessionView {
  id: string;
  /** When the user signed in. */
  createdAt: string;
  /** The latest sign-in or refresh. */
  lastUsedAt: string;
  expiresAt: string;
  userAgent: string | null;
  ip: string | null;
  /** The session of the request that asked. */
  current: boolean;
}
