import { getMetadataStorage, IS_DATE_STRING, IS_URL, MAX, MIN, ValidationTypes } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { FIELD_RULE_SCHEMAS, whenNotNull } from '../http/field-rules';
import type { JsonSchema } from './api-schema';

// class-transformer keeps `@Type` metadata here and exports it nowhere else (its typings: types/storage.d.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as typeof import('class-transformer/types/storage');

export const SCHEMA_REF_PREFIX = '#/components/schemas/';

/** Set on a property by `Nullable()`'s condition; turned into "or null" once the property's schema is whole. */
const NULLABLE_MARK = 'x-pharos-nullable';

type Converter = JsonSchema | ((meta: ValidationMetadata) => JsonSchema | undefined);

/** Where class-validator-jsonschema's defaults are not what Pharos's validators accept, and Pharos's own rules. */
const CONVERTERS: Record<string, Converter> = {
  [ValidationTypes.CONDITIONAL_VALIDATION]: (meta) => (meta.constraints?.[0] === whenNotNull ? { [NULLABLE_MARK]: true } : {}),
  // `IsDateString({ strict: true })`: an ISO 8601 time (its default pattern is unanchored).
  [IS_DATE_STRING]: { type: 'string', format: 'date-time' },
  // Bounds only: the type is the field's own rule's (`IsInt` is an integer, not any number).
  [MIN]: (meta) => ({ minimum: meta.constraints?.[0] }),
  [MAX]: (meta) => ({ maximum: meta.constraints?.[0] }),
  // JSON Schema's format is `uri` ("url" is no format).
  [IS_URL]: { type: 'string', format: 'uri' },
  ...Object.fromEntries(Object.entries(FIELD_RULE_SCHEMAS).map(([name, schema]) => [name, (meta: ValidationMetadata) => schema(meta.constraints ?? [])])),
};

/**
 * The JSON Schema of every class-validator DTO, by class name, from the validators' own
 * metadata (class-validator-jsonschema; nested DTOs through class-transformer's `@Type`): the
 * rules the validation pipe applies, read back. Unknown properties are refused by the pipe
 * (`forbidNonWhitelisted`), so every object says `additionalProperties: false`.
 */
export function dtoSchemas(): Record<string, JsonSchema> {
  const schemas = validationMetadatasToSchemas({
    classValidatorMetadataStorage: getMetadataStorage(),
    classTransformerMetadataStorage: defaultMetadataStorage,
    refPointerPrefix: SCHEMA_REF_PREFIX,
    additionalConverters: CONVERTERS as never,
  }) as Record<string, JsonSchema>;
  for (const schema of Object.values(schemas)) {
    schema.additionalProperties = false;
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    for (const [name, property] of Object.entries(properties)) properties[name] = withNull(property);
  }
  return schemas;
}

function withNull(property: JsonSchema): JsonSchema {
  if (!(NULLABLE_MARK in property)) return property;
  const { [NULLABLE_MARK]: _mark, ...schema } = property;
  return { anyOf: [schema, { type: 'null' }] };
}
