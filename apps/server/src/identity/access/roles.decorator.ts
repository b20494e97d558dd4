import { SetMetadata } from '@nestjs/common';
import type { UserRole } from '@pharos/database';

export const ROLES_KEY = 'pharos:roles';

/** Only users with one of these roles may call the route (any signed-in user when absent). */
export const Roles = (...roles: UserRole[]) => SetMetadata(ROLES_KEY, roles);

