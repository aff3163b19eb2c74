import { applyDecorators, type Type as Class } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  getSchemaPath,
} from '@nestjs/swagger';
import { DEFAULT_PAGE_SIZE, type PageRequest, type RowPage } from '@ops/read-models';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

export const MAX_PAGE_SIZE = 500;

/** Every list route answers this shape: one page of items, and where the next one starts. */
export interface Page<Item> {
  items: Item[];
  /** Null on the last page. */
  next_cursor: string | null;
}

/** An optional `limit` query parameter: a whole number of items from 1 to `max`. */
export const IsPageSize = (max: number): PropertyDecorator =>
  applyDecorators(
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(max),
  );

export class PageQueryDto implements PageRequest {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsPageSize(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: '`next_cursor` of the previous page' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,1000}$/, { message: 'cursor must be the next_cursor of a previous page' })
  cursor?: string;
}

class PageEnvelope {
  @ApiProperty({ description: 'One page, in the order the route states' }) items!: unknown[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `cursor` (with the same filters) for the next page; null on the last page',
  })
  next_cursor!: string | null;
}

/** Documents `{ items: Item[], next_cursor }`; without an item class the items are plain objects. */
export function ApiPageResponse(item?: Class<unknown>, description?: string): MethodDecorator {
  const items = item ? { type: 'array', items: { $ref: getSchemaPath(item) } } : { type: 'array' };
  return applyDecorators(
    ApiExtraModels(PageEnvelope, ...(item ? [item] : [])),
    ApiOkResponse({
      description,
      schema: { allOf: [{ $ref: getSchemaPath(PageEnvelope) }, { properties: { items } }] },
    }),
  );
}

/** The API's page of views from a read model's page of rows. */
export function pageOf<Row, View>({ rows, next_cursor }: RowPage<Row>, view: (row: Row) => View): Page<View> {
  return { items: rows.map(view), next_cursor };
}
