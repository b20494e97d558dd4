import { applyDecorators, SetMetadata } from '@nestjs/common';
import type { UserRole } from '@pharos/database';
import { ApiRequirement } from '../../platform/openapi/api-schema';

export const ROLES_KEY = 'pharos:roles';

/** Only users with one of these roles may call the route (any signed-in user when absent). */
export const Roles = (...roles: UserRole[]) => applyDecorators(SetMetadata(ROLES_KEY, roles), ApiRequirement(`the role ${roles.join(' or ')}`));

