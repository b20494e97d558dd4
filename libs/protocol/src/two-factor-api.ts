import type { SessionTokens } from './admin-api';

// Two-factor sign-in (TOTP, RFC 6238, and single-use recovery codes). The server's
// `identity/two-factor/README.md` tells the rules; these are the shapes on the wire.

/**
 * What `POST /api/v1/auth/login` answers instead of a session when the password was right but
 * a second step must follow: `code` — send a TOTP or recovery code; `enrol` — the account must
 * have two-factor sign-in and has none yet: enrol first (`POST /api/v1/auth/login/two-factor/enrol`),
 * then confirm with a code. Either way `POST /api/v1/auth/login/two-factor` ends in the session.
 */
export interface TwoFactorChallenge {
  twoFactorRequired: true;
  next: 'code' | 'enrol';
  /** Opaque, signed, bound to the user and their token version; good for `expiresIn` seconds. */
  challenge: string;
  expiresIn: number;
}

/** `POST /api/v1/auth/login`: a session, or a second step to take first. */
export type LoginAnswer = SessionTokens | TwoFactorChallenge;

/** `POST /api/v1/auth/login/two-factor`: the challenge and a TOTP code or (for `next: 'code'`) a recovery code. */
export interface TwoFactorLoginRequest {
  challenge: string;
  code?: string;
  recoveryCode?: string;
  /** As at `POST /api/v1/auth/login`: the refresh token as an httpOnly cookie (the dashboard). */
  refreshCookie?: boolean;
}

/** The session of a second step; after an enrolment it carries the new recovery codes (shown once). */
export type TwoFactorSession = SessionTokens & { recoveryCodes?: string[] };

/** A new TOTP secret to add to an authenticator app, pending until a code confirms it. */
export interface TotpEnrolment {
  /** Base32, for typing into the app by hand. */
  secret: string;
  otpauthUri: string;
  /** The URI as a QR code, a `data:image/png;base64,…` URL for an `<img>`. */
  qrCodeDataUrl: string;
}

/** Recovery codes, shown this once (only hashes are kept); each signs in once instead of a TOTP code. */
export interface RecoveryCodes {
  recoveryCodes: string[];
}

/** `GET /api/v1/account/two-factor`: the signed-in user's two-factor sign-in. */
export interface TwoFactorStatus {
  enabled: boolean;
  enabledAt: string | null;
  /** An enrolment was started and not confirmed yet. */
  pending: boolean;
  /** Whether sign-in demands it: an admin set it on the user, or the server does for all admins. */
  required: boolean;
  recoveryCodesLeft: number;
}

/** `GET /api/v1/users/two-factor` (admins): every user's two-factor state. */
export interface UserTwoFactorView {
  userId: string;
  /** An admin set "two-factor required" on this user. */
  required: boolean;
  /** Required for this user by the server setting for admins (`AUTH_REQUIRE_TWO_FACTOR_FOR_ADMINS`). */
  requiredByPolicy: boolean;
  enabled: boolean;
}
