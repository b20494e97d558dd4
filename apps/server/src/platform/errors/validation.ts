import { type ArgumentMetadata, BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { describeWireError, unstorableTextError } from '@pharos/protocol';
import { mayHoldUnstorableText } from '../http/json-bodies';
import { InvalidInputError } from './domain-errors';

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

/**
 * Refuses (400, naming the field) a body, query or route parameter holding text PostgreSQL
 * cannot store (a NUL character, a lone UTF-16 surrogate: `unstorableTextError`): it would
 * otherwise fail its insert as a 500, or fail every write of the batch it was group committed
 * with. Runs on every route's parameters — wire protocols' `unknown` bodies too, after their
 * guards have authenticated the caller.
 */
export function refuseUnstorableText(value: unknown, metadata: Pick<ArgumentMetadata, 'type' | 'data'>): void {
  if (metadata.type === 'custom') return; // our own values (the current user, the calling daemon)
  if (metadata.type === 'body' && !mayHoldUnstorableText(value)) return; // its text has no such escape
  const error = unstorableTextError(value);
  if (!error) return;
  const name = metadata.data;
  const path = !name ? error.path : error.path === '(root)' ? name : `${name}${error.path.startsWith('[') ? '' : '.'}${error.path}`;
  throw new InvalidInputError(describeWireError({ path, message: error.message }), path);
}

/** The validation every REST body and query goes through: unknown fields are refused. */
class PharosValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    refuseUnstorableText(value, metadata);
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new PharosValidationPipe({
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
