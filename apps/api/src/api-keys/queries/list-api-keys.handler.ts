import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { InjectRepository } from '@nestjs/typeorm';
import { ApiKeyRow } from '@ops/read-models';
import type { Repository } from 'typeorm';
import { keysetPage, type Keyset } from '../../common/pagination';
import type { ApiKeyListView } from '../dto/api-key-views.dto';
import { ListApiKeysQuery } from './list-api-keys.query';

const NEWEST_FIRST: Keyset<ApiKeyRow> = {
  columns: [
    { column: 'k.created_at', type: 'timestamptz', of: (row) => row.createdAt },
    { column: 'k.key_id', type: 'uuid', of: (row) => row.keyId },
  ],
  direction: 'DESC',
};

@QueryHandler(ListApiKeysQuery)
export class ListApiKeysHandler implements IQueryHandler<ListApiKeysQuery, ApiKeyListView> {
  constructor(@InjectRepository(ApiKeyRow) private readonly keys: Repository<ApiKeyRow>) {}

  async execute({ userId, page }: ListApiKeysQuery): Promise<ApiKeyListView> {
    // Revoked keys stay listed: the owner can still tell which key a past call used.
    const select = this.keys.createQueryBuilder('k').where('k.user_id = :userId', { userId });
    const { rows, next_cursor } = await keysetPage(select, NEWEST_FIRST, page);
    return {
      user_id: userId,
      items: rows.map((row) => ({
        id: row.keyId,
        name: row.name,
        prefix: row.prefix,
        created_at: row.createdAt.toISOString(),
        expires_at: row.expiresAt ? row.expiresAt.toISOString() : null,
        revoked_at: row.revokedAt ? row.revokedAt.toISOString() : null,
      })),
      next_cursor,
    };
  }
}
