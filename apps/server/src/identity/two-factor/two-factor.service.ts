import { Injectable } from '@nestjs/common';
import type { User, UserTwoFactor } from '@pharos/database';
import type { TotpEnrolment, TwoFactorChallenge, TwoFactorStatus, UserTwoFactorView } from '@pharos/protocol';
import { toDataURL } from 'qrcode';
import { PharosConfig } from '../../platform/config/pharos-config';
import { Transactions } from '../../platform/database/transactions';
import { ConflictError, NotFoundError } from '../../platform/errors/domain-errors';
import { isUuid } from '../../platform/http/uuid';
import { SecretSealer } from '../../platform/secrets/secret-sealer';
import { type AuditActor, AuditLogService } from '../audit/audit-log.service';
import { UsersService } from '../users/users.service';
import { newRecoveryCodes, recoveryCodeHash, recoveryCodeHashes } from './recovery-codes';
import { matchTotpStep, newTotpSecret, totpUri } from './totp';
import { TwoFactorStore } from './two-factor.store';

/** The name authenticator apps show above the account. */
const ISSUER = 'Pharos';

/**
 * Two-factor sign-in of each user: TOTP enrolment (a secret sealed under PHAROS_SECRET_KEY,
 * pending until its first code confirms it), code checks that use each time step once,
 * single-use recovery codes (hashes only), and what admins decide: who must have it, and
 * resetting it for a user who lost their device. Wrong codes are counted by the caller
 * (`LoginThrottle`); nothing here logs a secret or a code.
 */
@Injectable()
export class TwoFactorService {
  private readonly sealer: SecretSealer;

  constructor(
    private readonly store: TwoFactorStore,
    private readonly transactions: Transactions,
    private readonly audit: AuditLogService,
    private readonly users: UsersService,
    private readonly config: PharosConfig,
  ) {
    this.sealer = new SecretSealer(config.secretKey, 'totp secret');
  }

  /** What a sign-in needs after the right password: a code, an enrolment first, or nothing more. */
  async stepAfterPassword(user: User): Promise<TwoFactorChallenge['next'] | null> {
    const row = await this.store.find(user.id);
    if (row?.totpConfirmedAt) return 'code';
    return this.isRequired(user, row) ? 'enrol' : null;
  }

  async status(user: User): Promise<TwoFactorStatus> {
    const row = await this.store.find(user.id);
    const enabled = Boolean(row?.totpConfirmedAt);
    return {
      enabled,
      enabledAt: row?.totpConfirmedAt?.toISOString() ?? null,
      pending: !enabled && Boolean(row?.totpSecretSealed),
      required: this.isRequired(user, row),
      recoveryCodesLeft: enabled ? await this.store.recoveryCodesLeft(user.id) : 0,
    };
  }

  /** A new secret, pending until `confirmEnrolment`; replaces an unconfirmed one. */
  async startEnrolment(user: User): Promise<TotpEnrolment> {
    if ((await this.store.find(user.id))?.totpConfirmedAt) {
      throw new ConflictError('two-factor sign-in is on already: disable it first to move it to another device');
    }
    const secret = newTotpSecret();
    await this.store.savePendingSecret(user.id, this.sealer.seal(secret, user.id));
    const otpauthUri = totpUri(secret, ISSUER, user.username);
    return { secret, otpauthUri, qrCodeDataUrl: await toDataURL(otpauthUri, { errorCorrectionLevel: 'M', margin: 1, width: 240 }) };
  }

  /** Turns the pending secret on with its first code: the new recovery codes, or null for a wrong code. */
  async confirmEnrolment(user: User, code: string): Promise<string[] | null> {
    const row = await this.store.find(user.id);
    if (row?.totpConfirmedAt) throw new ConflictError('two-factor sign-in is on already');
    const sealed = row?.totpSecretSealed;
    if (!sealed) throw new ConflictError('there is no enrolment to confirm: start one first');
    const step = matchTotpStep(this.sealer.open(sealed, user.id), code);
    if (step === null) return null;
    const codes = newRecoveryCodes();
    const confirmed = await this.transactions.run(async (tx) => {
      if (!(await this.store.confirm(user.id, sealed, step, new Date(), tx))) return false;
      await this.store.replaceRecoveryCodes(user.id, recoveryCodeHashes(codes), tx);
      await this.audit.record(user, 'two_factor.enable', userTarget(user.id), { username: user.username }, tx);
      return true;
    });
    if (!confirmed) throw new ConflictError('the enrolment was replaced meanwhile: start again');
    return codes;
  }

  /** Whether `code` is a current code of the user's active secret, whose step is then used up (a code works once). */
  async useTotpCode(user: User, code: string): Promise<boolean> {
    const row = await this.store.find(user.id);
    if (!row?.totpConfirmedAt || !row.totpSecretSealed) return false;
    const step = matchTotpStep(this.sealer.open(row.totpSecretSealed, user.id), code);
    return step !== null && this.store.useStep(user.id, step);
  }

  /** Whether `typed` is one of the user's unused recovery codes, which is then used up. */
  async useRecoveryCode(user: User, typed: string): Promise<boolean> {
    const hash = recoveryCodeHash(typed);
    if (hash === null || !(await this.store.find(user.id))?.totpConfirmedAt) return false;
    return this.store.useRecoveryCode(user.id, hash, new Date());
  }

  /** `ConflictError` unless the user has it on (before asking for a code of it). */
  async assertEnabled(user: User): Promise<void> {
    if (!(await this.store.find(user.id))?.totpConfirmedAt) throw new ConflictError('two-factor sign-in is not on');
  }

  /** Turns it off (the caller checked the password and a code). A required user enrols again at the next sign-in. */
  async disable(user: User): Promise<void> {
    await this.transactions.run(async (tx) => {
      await this.store.clear(user.id, tx);
      await this.audit.record(user, 'two_factor.disable', userTarget(user.id), { username: user.username }, tx);
    });
  }

  /** A new set of recovery codes (the caller checked a code); the old ones stop working. */
  async regenerateRecoveryCodes(user: User): Promise<string[]> {
    const codes = newRecoveryCodes();
    await this.transactions.run(async (tx) => {
      await this.store.replaceRecoveryCodes(user.id, recoveryCodeHashes(codes), tx);
      await this.audit.record(user, 'two_factor.recovery_codes_regenerate', userTarget(user.id), { username: user.username }, tx);
    });
    return codes;
  }

  // ---------------------------------------------------------------- admins

  async list(): Promise<UserTwoFactorView[]> {
    const [users, rows] = await Promise.all([this.users.list(), this.store.list()]);
    const byUser = new Map(rows.map((row) => [row.userId, row]));
    return users.map((user) => {
      const row = byUser.get(user.id);
      return { userId: user.id, required: row?.required ?? false, requiredByPolicy: this.requiredByPolicy(user), enabled: Boolean(row?.totpConfirmedAt) };
    });
  }

  async setRequired(actor: AuditActor, userId: string, required: boolean): Promise<UserTwoFactorView> {
    const user = await this.findUser(userId);
    await this.transactions.run(async (tx) => {
      await this.store.setRequired(user.id, required, tx);
      await this.audit.record(actor, 'user.two_factor_required', userTarget(user.id), { username: user.username, required }, tx);
    });
    const row = await this.store.find(user.id);
    return { userId: user.id, required, requiredByPolicy: this.requiredByPolicy(user), enabled: Boolean(row?.totpConfirmedAt) };
  }

  /**
   * Removes a user's TOTP secret and recovery codes (a lost device). Their sessions go on: the
   * reset proves nothing against them; to end those too, reset the password.
   */
  async reset(actor: AuditActor, userId: string): Promise<void> {
    const user = await this.findUser(userId);
    await this.transactions.run(async (tx) => {
      await this.store.clear(user.id, tx);
      await this.audit.record(actor, 'user.two_factor_reset', userTarget(user.id), { username: user.username }, tx);
    });
  }

  private isRequired(user: User, row: UserTwoFactor | null): boolean {
    return Boolean(row?.required) || this.requiredByPolicy(user);
  }

  private requiredByPolicy(user: User): boolean {
    return user.role === 'admin' && this.config.requireTwoFactorForAdmins;
  }

  private async findUser(id: string): Promise<User> {
    const user = isUuid(id) ? await this.users.findById(id) : null;
    if (!user) throw new NotFoundError(`no user ${id}`);
    return user;
  }
}

function userTarget(id: string): { type: string; id: string } {
  return { type: 'user', id };
}
