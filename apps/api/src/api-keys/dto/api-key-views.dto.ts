import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ApiKeyRow } from '@ops/read-models';
import type { Page } from '../../common/pagination';

export class ApiKeyView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'sk-ops-Ab3dE', description: 'The first characters of the key, to recognise it' })
  prefix!: string;
  @ApiProperty() created_at!: string;
  @ApiPropertyOptional({ nullable: true, description: 'Null for a key that lasts until revoked' })
  expires_at!: string | null;
  @ApiPropertyOptional({ nullable: true }) revoked_at!: string | null;
}

export function apiKeyView(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.keyId,
    name: row.name,
    prefix: row.prefix,
    created_at: row.createdAt.toISOString(),
    expires_at: row.expiresAt ? row.expiresAt.toISOString() : null,
    revoked_at: row.revokedAt ? row.revokedAt.toISOString() : null,
  };
}

/** The page shape every list route answers, with whose keys they are. */
export class ApiKeyListView implements Page<ApiKeyView> {
  @ApiProperty() user_id!: string;
  @ApiProperty({ type: [ApiKeyView], description: 'Newest first, revoked ones included' })
  items!: ApiKeyView[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page' })
  next_cursor!: string | null;
}

export class IssuedApiKeyView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiPropertyOptional({
    nullable: true,
    description:
      'The whole key, shown this once: only its hash is kept. Null when this answers a retry with the same ' +
      'Idempotency-Key, since the key cannot be shown again; revoke it and issue another if it was lost.',
  })
  key!: string | null;
  @ApiProperty() prefix!: string;
  @ApiProperty() created_at!: string;
  @ApiPropertyOptional({ nullable: true, description: 'Null for a key that lasts until revoked' })
  expires_at!: string | null;
  @ApiProperty({
    description: 'True when this answers a retry of an earlier request with the same Idempotency-Key',
  })
  replayed!: boolean;
}

export class RevokedApiKeysView {
  @ApiProperty() user_id!: string;
  @ApiProperty({ description: 'How many keys this request revoked (0 when none was still active)' })
  revoked!: number;
}
