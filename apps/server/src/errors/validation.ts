import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

/** Flattens class-validator's tree into `path: reason` pairs, e.g. `tags.2: must be a string`. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): { field: string; reason: string }[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const reasons = Object.values(error.constraints ?? {});
    // A missing value fails every rule of its field; saying so once is clearer.
    const missing = error.value === undefined && reasons.length > 0 && !('isOptional' in (error.constraints ?? {}));
    const own = missing ? [{ field, reason: `${field} is required` }] : reasons.map((reason) => ({ field, reason }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** The validation every REST body and query goes through: unknown fields are refused. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const fields = flattenValidationErrors(errors);
      const message = fields.map((f) => (f.reason.startsWith(f.field) ? f.reason : `${f.field}: ${f.reason}`)).join('; ');
      return new BadRequestException({ message: message || 'Invalid request', fields });
    },
  });
}
