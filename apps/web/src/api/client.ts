import type { LoginAnswer, SessionTokens, SignInProviders, TotpEnrolment, TwoFactorChallenge, TwoFactorSession, UserView } from '@pharos/protocol';
import { words } from '../i18n/i18n';

/**
 * The dashboard's one way to reach Pharos: JSON over /api/v1 with the admin's access token
 * (kept in memory only), renewed when it expires with the refresh token — an httpOnly cookie
 * that no script here can read, sent by the browser to the refresh route alone, and rotated
 * on every use.
 */
export type SessionUser = Pick<UserView, 'id' | 'username' | 'role'>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

const USER_KEY = 'pharos.user';
/** Where an older dashboard kept the refresh token: removed, it is a cookie now. */
const OLD_REFRESH_KEY = 'pharos.refreshToken';

/** Why the session changed: signed in, signed out here, or ended by Pharos (refresh refused). */
export type SessionChange = 'signed-in' | 'signed-out' | 'expired';
type Listener = (user: SessionUser | null, change: SessionChange) => void;

export class ApiClient {
  private accessToken: string | null = null;
  private accessExpiresAt = 0;
  private refreshing: Promise<boolean> | null = null;
  private readonly listeners = new Set<Listener>();

  get user(): SessionUser | null {
    const raw = localStorage.getItem(USER_KEY);
    return raw ? (JSON.parse(raw) as SessionUser) : null;
  }

  onSessionChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Signs in, or answers the second step the account needs first (`loginTwoFactor`). */
  async login(username: string, password: string): Promise<SessionUser | TwoFactorChallenge> {
    const answer = await this.send<LoginAnswer>('POST', '/api/v1/auth/login', { username, password, refreshCookie: true }, false);
    if ('twoFactorRequired' in answer) return answer;
    this.keep(answer);
    return answer.user;
  }

  /**
   * The second step: a code or a recovery code (for an enrolment, the new secret's first code).
   * `enter` starts the session here, so that new recovery codes can be shown before the
   * dashboard replaces the sign-in page.
   */
  async loginTwoFactor(challenge: string, proof: { code: string } | { recoveryCode: string }): Promise<{ recoveryCodes?: string[]; enter: () => void }> {
    const { recoveryCodes, ...tokens } = await this.send<TwoFactorSession>('POST', '/api/v1/auth/login/two-factor', { challenge, ...proof, refreshCookie: true }, false);
    return { recoveryCodes, enter: () => this.keep(tokens) };
  }

  /** The enrolment an account that must have two-factor sign-in goes through at sign-in. */
  enrolAtSignIn(challenge: string): Promise<TotpEnrolment> {
    return this.send<TotpEnrolment>('POST', '/api/v1/auth/login/two-factor/enrol', { challenge }, false);
  }

  /** The ways to sign in the login page offers (a public route). */
  providers(): Promise<SignInProviders> {
    return this.send<SignInProviders>('GET', '/api/v1/auth/providers', undefined, false);
  }

  /**
   * Back from single sign-on: Pharos set the refresh cookie on its way here, and trading it
   * signs the dashboard in as a password login does. False when it was refused.
   */
  adoptSsoSession(): Promise<boolean> {
    return this.refresh();
  }

  /** Ends the session on Pharos (the cookie's whole family) and here. */
  async logout(): Promise<void> {
    this.clear('signed-out');
    await this.send('DELETE', '/api/v1/auth/refresh', undefined, false).catch(() => undefined);
  }

  /**
   * A valid access token (refreshing it first when needed, or always with `fresh`, e.g. when a
   * socket was closed for an expired token), for WebSocket auth messages.
   */
  async token(fresh = false): Promise<string> {
    if (!fresh && this.accessToken && Date.now() < this.accessExpiresAt - 15_000) return this.accessToken;
    if (!(await this.refresh())) throw new ApiError(401, words().sessionEnded);
    return this.accessToken!;
  }

  get<T>(path: string): Promise<T> {
    return this.authed<T>('GET', path);
  }
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.authed<T>('POST', path, body);
  }
  patch<T>(path: string, body?: unknown): Promise<T> {
    return this.authed<T>('PATCH', path, body);
  }
  put<T>(path: string, body?: unknown): Promise<T> {
    return this.authed<T>('PUT', path, body);
  }
  delete<T>(path: string): Promise<T> {
    return this.authed<T>('DELETE', path);
  }

  /** POSTs a raw body (e.g. a release binary) with the access token. */
  async upload<T>(path: string, body: Blob, contentType = 'application/octet-stream'): Promise<T> {
    const token = await this.token();
    return this.parse<T>(await fetch(path, { method: 'POST', body, headers: { authorization: `Bearer ${token}`, 'content-type': contentType } }));
  }

  private async authed<T>(method: string, path: string, body?: unknown): Promise<T> {
    await this.token();
    try {
      return await this.send<T>(method, path, body, true);
    } catch (error) {
      // The token may have been revoked server-side (password change): one refresh, one retry.
      if (error instanceof ApiError && error.status === 401 && (await this.refresh())) return this.send<T>(method, path, body, true);
      throw error;
    }
  }

  /**
   * Trades the refresh cookie for a new access token (and cookie). False when Pharos refused it
   * (the session is over); a network failure is thrown instead, so a restarting Pharos does
   * not sign anyone out. Tabs take turns (a Web Lock): the browser sends the cookie as it is
   * when the request leaves, so a tab never sends one another tab has just used up, which
   * would end the session of every tab.
   */
  private refresh(): Promise<boolean> {
    this.refreshing ??= oneTabAtATime(async () => {
      try {
        this.keep(await this.send<SessionTokens>('POST', '/api/v1/auth/refresh', {}, false));
        return true;
      } catch (error) {
        if (!(error instanceof ApiError) || error.status >= 500 || error.status === 429) throw error;
      }
      this.clear('expired');
      return false;
    }).finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async send<T>(method: string, path: string, body: unknown, withToken: boolean): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (withToken && this.accessToken) headers.authorization = `Bearer ${this.accessToken}`;
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return this.parse<T>(res);
  }

  private async parse<T>(res: Response): Promise<T> {
    const text = await res.text();
    const json = text ? safeJson(text) : undefined;
    if (!res.ok) {
      const err = (json ?? {}) as { message?: string; field?: string };
      throw new ApiError(res.status, err.message ?? `${res.status} ${res.statusText}`, err.field);
    }
    return json as T;
  }

  private keep(tokens: SessionTokens): void {
    this.accessToken = tokens.accessToken;
    this.accessExpiresAt = Date.now() + tokens.expiresIn * 1000;
    localStorage.removeItem(OLD_REFRESH_KEY);
    const user: SessionUser = { id: tokens.user.id, username: tokens.user.username, role: tokens.user.role };
    const changed = JSON.stringify(user) !== localStorage.getItem(USER_KEY);
    localStorage.setItem(USER_KEY, JSON.stringify(user));
    if (changed) this.listeners.forEach((l) => l(user, 'signed-in'));
  }

  private clear(change: SessionChange): void {
    const hadSession = localStorage.getItem(USER_KEY) !== null || this.accessToken !== null;
    this.accessToken = null;
    this.accessExpiresAt = 0;
    localStorage.removeItem(OLD_REFRESH_KEY);
    localStorage.removeItem(USER_KEY);
    if (hadSession) this.listeners.forEach((l) => l(null, change));
  }
}

/** Runs `work` while no other tab of this dashboard runs its own (where Web Locks exist). */
function oneTabAtATime<T>(work: () => Promise<T>): Promise<T> {
  return navigator.locks ? navigator.locks.request('pharos.refresh', work) : work();
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const api = new ApiClient();
