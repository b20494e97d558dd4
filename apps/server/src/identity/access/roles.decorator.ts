import { SetMetadata } from '@nestjs/common';
import type { UserRole } from '@pharos/database';

export const ROLES_KEY = 'pharos:roles';
export const PUBLIC_KEY = 'pharos:public';

/** Only users with one of these roles may call the route (any signed-in user when absent). */
export const Roles = (...roles: UserRole[]) => SetMetadata(ROLES_KEY, roles);

/**
 * The route is not behind the admin JWT: either open (health, login) or guarded by its own
 * credential (Lightd remote token, node secret, agent API key).
 */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
