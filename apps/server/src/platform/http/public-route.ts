import { SetMetadata } from '@nestjs/common';

export const PUBLIC_KEY = 'pharos:public';

/**
 * The route is not behind the admin session: either open (health, login) or guarded by its own
 * credential (Lightd remote token, node secret, agent API key). Every other route needs a
 * signed-in admin (`identity/auth/jwt-auth.guard.ts`).
 */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
