import { Injectable } from '@nestjs/common';
import { PrismaService, type UserTwoFactor } from '@pharos/database';
import type { DbTransaction } from '../../platform/database/transactions';

/**
 * Each user's two-factor row (required flag, sealed TOTP secret, last used time step) and their
 * recovery codes (hashes). Recovery codes are replaced as a set, so neither table grows with
 * time: no retention is needed.
 */
@Injectable()
export class TwoFactorStore {
  constructor(private readonly prisma: PrismaService) {}

  find(userId: string, db: DbTransaction = this.prisma): Promise<UserTwoFactor | null> {
    return db.userTwoFactor.findUnique({ where: { userId } });
  }

  list(): Promise<UserTwoFactor[]> {
    return this.prisma.userTwoFactor.findMany();
  }

  recoveryCodesLeft(userId: string): Promise<number> {
    return this.prisma.twoFactorRecoveryCode.count({ where: { userId, usedAt: null } });
  }

  /** A new secret waiting for its first code; replaces one that was pending. */
  async savePendingSecret(userId: string, sealed: string): Promise<void> {
    const pending = { totpSecretSealed: sealed, totpConfirmedAt: null, totpLastStep: null };
    await this.prisma.userTwoFactor.upsert({ where: { userId }, create: { userId, ...pending }, update: pending });
  }

  /** Turns the pending secret `sealed` on, its first code's step used; false when it is no longer the pending one. */
  async confirm(userId: string, sealed: string, step: number, at: Date, tx: DbTransaction): Promise<boolean> {
    const confirmed = await tx.userTwoFactor.updateMany({
      where: { userId, totpSecretSealed: sealed, totpConfirmedAt: null },
      data: { totpConfirmedAt: at, totpLastStep: step },
    });
    return confirmed.count > 0;
  }

  /**
   * Takes time step `step` of the active secret: false when it, or a later one, was taken
   * already. One conditional update, so of two requests with the same code one wins.
   */
  async useStep(userId: string, step: number): Promise<boolean> {
    const used = await this.prisma.userTwoFactor.updateMany({
      where: { userId, totpConfirmedAt: { not: null }, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] },
      data: { totpLastStep: step },
    });
    return used.count > 0;
  }

  async replaceRecoveryCodes(userId: string, codeHashes: string[], tx: DbTransaction): Promise<void> {
    await tx.twoFactorRecoveryCode.deleteMany({ where: { userId } });
    await tx.twoFactorRecoveryCode.createMany({ data: codeHashes.map((codeHash) => ({ userId, codeHash })) });
  }

  /** Uses a recovery code up: false when it is not one of the user's unused codes. */
  async useRecoveryCode(userId: string, codeHash: string, at: Date): Promise<boolean> {
    const used = await this.prisma.twoFactorRecoveryCode.updateMany({ where: { userId, codeHash, usedAt: null }, data: { usedAt: at } });
    return used.count > 0;
  }

  /** Removes the TOTP secret and the recovery codes (the required flag stays). */
  async clear(userId: string, tx: DbTransaction): Promise<void> {
    await tx.userTwoFactor.updateMany({ where: { userId }, data: { totpSecretSealed: null, totpConfirmedAt: null, totpLastStep: null } });
    await tx.twoFactorRecoveryCode.deleteMany({ where: { userId } });
  }

  async setRequired(userId: string, required: boolean, tx: DbTransaction): Promise<void> {
    await tx.userTwoFactor.upsert({ where: { userId }, create: { userId, required }, update: { required } });
  }
}
