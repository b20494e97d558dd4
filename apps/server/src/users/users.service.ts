import { Injectable, Logger } from '@nestjs/common';
import { Prisma, PrismaService, type User, type UserRole } from '@pharos/database';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors/domain-errors';
import { generatePassword, hashPassword } from './password-hasher';

export interface UserView {
  id: string;
  username: string;
  role: UserRole;
  createdAt: Date;
  disabled: boolean;
}

export const USERNAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9._@-]{1,63}$/;
export const MIN_PASSWORD_LENGTH = 8;

export function toUserView(user: User): UserView {
  return { id: user.id, username: user.username, role: user.role, createdAt: user.createdAt, disabled: user.disabledAt !== null };
}

@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(private readonly prisma: PrismaService) {}

  async create(username: string, password: string, role: UserRole): Promise<User> {
    validateCredentials(username, password);
    try {
      return await this.prisma.user.create({
        data: { username, passwordHash: await hashPassword(password), role },
      });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new ConflictError(`user "${username}" already exists`);
      }
      throw error;
    }
  }

  /** Sets a new password; tokens issued before it stop working. */
  async setPassword(username: string, password: string): Promise<User> {
    validateCredentials(username, password);
    const passwordHash = await hashPassword(password);
    const user = await this.prisma.user.findUnique({ where: { username } });
    if (!user) throw new NotFoundError(`user "${username}" does not exist`);
    return this.prisma.$transaction(async (tx) => {
      await tx.refreshToken.updateMany({ where: { userId: user.id, revokedAt: null }, data: { revokedAt: new Date() } });
      return tx.user.update({ where: { id: user.id }, data: { passwordHash, passwordChangedAt: new Date() } });
    });
  }

  findByUsername(username: string): Promise<User | null> {
    return this.prisma.user.findUnique({ where: { username } });
  }

  findById(id: string): Promise<User | null> {
    return this.prisma.user.findUnique({ where: { id } });
  }

  list(): Promise<User[]> {
    return this.prisma.user.findMany({ orderBy: { createdAt: 'asc' } });
  }

  /**
   * On the first start with no user at all, creates `admin` with the configured password or
   * a generated one. Returns the generated password so the caller can show it, once.
   */
  async ensureFirstAdmin(configuredPassword?: string): Promise<{ username: string; password?: string } | null> {
    if ((await this.prisma.user.count()) > 0) return null;
    const password = configuredPassword ?? generatePassword();
    try {
      await this.create('admin', password, 'admin');
    } catch (error) {
      // Another instance starting on the same database created it first.
      if (error instanceof ConflictError) return null;
      throw error;
    }
    this.logger.log('Created the first admin account "admin"');
    return { username: 'admin', password: configuredPassword ? undefined : password };
  }
}

function validateCredentials(username: string, password: string): void {
  if (!USERNAME_PATTERN.test(username)) {
    throw new InvalidInputError('username must be 2-64 characters: letters, digits, . _ @ -', 'username');
  }
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new InvalidInputError(`password must be at least ${MIN_PASSWORD_LENGTH} characters`, 'password');
  }
}
