import { applyDecorators } from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsString, Max, Min, ValidateBy, ValidateIf, type ValidationArguments } from 'class-validator';

/**
 * The field rules every DTO shares (docs/protocols/limits.md): one definition each, so that a
 * name, a page or a date range is refused the same way on every route.
 */

/** The conditions of `Optional()` and `Nullable()`, by which the OpenAPI document tells them apart. */
export const whenGiven = (_object: object, value: unknown): boolean => value !== undefined;
export const whenNotNull = (_object: object, value: unknown): boolean => value !== undefined && value !== null;

/**
 * May be left out; `null` is refused by the field's own rules. (class-validator's `@IsOptional`
 * also skips `null`, which then reached a NOT NULL column as a 500: issue 17.)
 */
export function Optional(): PropertyDecorator {
  return ValidateIf(whenGiven);
}

/** May be left out, or `null` to clear it. */
export function Nullable(): PropertyDecorator {
  return ValidateIf(whenNotNull);
}

/**
 * C0/C1 controls, and the characters that reorder or hide text on screen: bidi embeddings,
 * overrides and isolates (U+202A–U+202E, U+2066–U+2069), the LRM/RLM/ALM marks, zero-width
 * characters and the BOM. A name holding one can pose as another in a list or a log line.
 */
// eslint-disable-next-line no-control-regex
const HIDDEN_OR_CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u;

export const NAME_MAX_LENGTH = 128;
export const LABEL_MAX_LENGTH = 64;

/** The text of a name as it is stored: trimmed at both ends. */
const trimmed = Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

function isDisplayText(value: unknown, maxLength: number): boolean {
  return typeof value === 'string' && value.length >= 1 && value.length <= maxLength && !HIDDEN_OR_CONTROL.test(value);
}

function displayText(name: string, maxLength: number): PropertyDecorator {
  return ValidateBy(
    {
      name,
      constraints: [maxLength],
      validator: {
        validate: (value: unknown) => isDisplayText(value, maxLength),
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property} must be 1-${maxLength} characters after trimming, without control or bidi-override characters`,
      },
    },
    {},
  );
}

/** A name people read in lists and logs (a server, a daemon, an alert rule): trimmed, 1–128 characters, no control or bidi characters. */
export function DisplayName(maxLength = NAME_MAX_LENGTH): PropertyDecorator {
  return applyDecorators(trimmed, displayText('isDisplayName', maxLength));
}

/** A group or a tag: a short display name (1–64). */
export function Label(): PropertyDecorator {
  return applyDecorators(trimmed, displayText('isLabel', LABEL_MAX_LENGTH));
}

/** A list of labels, e.g. a server's tags (each one a `Label`). */
export function Labels(maxItems: number): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim() : v)) : value)),
    ValidateBy(
      {
        name: 'isLabels',
        constraints: [maxItems],
        validator: {
          validate: (value: unknown) => Array.isArray(value) && value.length <= maxItems && value.every((v) => isDisplayText(v, LABEL_MAX_LENGTH)),
          defaultMessage: (args?: ValidationArguments) =>
            `${args?.property} must be a list of at most ${maxItems} labels of 1-${LABEL_MAX_LENGTH} characters, without control or bidi-override characters`,
        },
      },
      {},
    ),
  );
}

/** The largest `offset` a page query accepts (PostgreSQL's int4): past any list Pharos keeps. */
export const MAX_QUERY_INTEGER = 2_147_483_647;

/** An optional integer query parameter within `[min, max]` (a query value is text: `"20"`). */
export function QueryInt(min: number, max: number): PropertyDecorator {
  return applyDecorators(Optional(), Type(() => Number), IsInt(), Min(min), Max(max));
}

/** The earliest and latest instants a date parameter accepts: 1970 to a year from now. */
export const EARLIEST_DATE = Date.UTC(1970, 0, 1);
const YEAR_MS = 366 * 86_400_000;

/** An RFC 3339 instant between 1970-01-01 and a year from now (a query or body value). */
export function SaneDate(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    ValidateBy(
      {
        name: 'isSaneDate',
        validator: {
          validate: (value: unknown) => isSaneDate(value),
          defaultMessage: (args?: ValidationArguments) => `${args?.property} must be an RFC 3339 time between 1970-01-01 and a year from now`,
        },
      },
      {},
    ),
  );
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:[Zz]|[+-]\d{2}:?\d{2})?)?$/;

export function isSaneDate(value: unknown): boolean {
  if (typeof value !== 'string' || !RFC3339.test(value)) return false;
  const time = new Date(value).getTime();
  return Number.isFinite(time) && time >= EARLIEST_DATE && time <= Date.now() + YEAR_MS;
}

const MAX_BIGINT = 9_223_372_036_854_775_807n;

/** The `nextBefore` cursor of a previous page: a positive `bigint` row id, as text. */
export function CursorId(what: string): PropertyDecorator {
  return applyDecorators(
    Optional(),
    ValidateBy(
      {
        name: 'isCursorId',
        validator: {
          validate: (value: unknown) => typeof value === 'string' && /^[1-9]\d{0,18}$/.test(value) && BigInt(value) <= MAX_BIGINT,
          defaultMessage: (args?: ValidationArguments) => `${args?.property} must be ${what} from a previous page`,
        },
      },
      {},
    ),
  );
}

/** Text that is not empty or blank and holds no control or bidi-override character: the JSON Schema `pattern` of a display name. */
const DISPLAY_TEXT_PATTERN = `^(?!\\s*$)[^${HIDDEN_OR_CONTROL.source.slice(1, -1)}]*$`;

const displayTextSchema = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength, pattern: DISPLAY_TEXT_PATTERN });

/**
 * The JSON Schema of each rule above that class-validator knows only as a custom check, by the
 * rule's name, from its constraints: what the OpenAPI document says of a field that uses it
 * (`platform/openapi/dto-schemas.ts`). A value the schema accepts, the rule accepts.
 */
export const FIELD_RULE_SCHEMAS: Record<string, (constraints: unknown[]) => Record<string, unknown>> = {
  isDisplayName: ([maxLength]) => displayTextSchema(maxLength as number),
  isLabel: () => displayTextSchema(LABEL_MAX_LENGTH),
  isLabels: ([maxItems]) => ({ type: 'array', maxItems, items: displayTextSchema(LABEL_MAX_LENGTH) }),
  isSaneDate: () => ({ type: 'string', format: 'date-time' }),
  isCursorId: () => ({ type: 'string', pattern: '^[1-9]\\d{0,18}$' }),
};
