import { plainToInstance, Type } from 'class-transformer';
import { IsInt, IsString, IsUrl, ValidateNested, validateSync } from 'class-validator';
import { DisplayName, Label, Labels, Nullable, Optional, QueryInt } from '../http/field-rules';
import { dtoSchemas } from './dto-schemas';

class OpenApiSpecInner {
  @IsInt()
  count!: number;
}

class OpenApiSpecDto {
  @DisplayName()
  name!: string;

  @Nullable()
  @Label()
  group?: string | null;

  @Optional()
  @Labels(4)
  tags?: string[];

  @QueryInt(1, 500)
  limit?: number;

  @Optional()
  @IsUrl()
  url?: string;

  @ValidateNested()
  @Type(() => OpenApiSpecInner)
  inner!: OpenApiSpecInner;

  @IsString()
  note!: string;
}

describe('dtoSchemas', () => {
  const schema = dtoSchemas().OpenApiSpecDto!;
  const properties = schema.properties as Record<string, any>;

  it('says what is required, and refuses unknown properties as the validation pipe does', () => {
    expect(schema.required).toEqual(['name', 'inner', 'note']);
    expect(schema.additionalProperties).toBe(false);
  });

  it('tells Nullable() (null clears) from Optional() (null refused)', () => {
    expect(properties.group).toEqual({ anyOf: [expect.objectContaining({ type: 'string', maxLength: 64 }), { type: 'null' }] });
    expect(properties.tags.anyOf).toBeUndefined();
  });

  it('states the shared field rules, which agree with the validators', () => {
    expect(properties.limit).toEqual({ type: 'integer', minimum: 1, maximum: 500 });
    expect(properties.tags).toMatchObject({ type: 'array', maxItems: 4, items: { type: 'string', maxLength: 64 } });
    expect(properties.url).toEqual({ type: 'string', format: 'uri' });
    expect(properties.inner).toEqual({ $ref: '#/components/schemas/OpenApiSpecInner' });
    const pattern = new RegExp(properties.name.pattern, 'u');
    for (const name of ['web-1', ' padded ', 'Zürich 東京']) {
      expect({ name, schema: pattern.test(name), validator: valid({ name }) }).toEqual({ name, schema: true, validator: true });
    }
    for (const name of ['   ', 'a\u202eb', 'tab\there', '']) {
      expect({ name, schema: pattern.test(name) && name.length >= 1, validator: valid({ name }) }).toEqual({ name, schema: false, validator: false });
    }
  });
});

/** Whether the DTO's `name` passes its validators (the other fields valid). */
function valid(fields: Record<string, unknown>): boolean {
  const dto = plainToInstance(OpenApiSpecDto, { inner: { count: 1 }, note: 'n', ...fields });
  return validateSync(dto).length === 0;
}
