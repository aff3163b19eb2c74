import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { InjectRepository } from '@nestjs/typeorm';
import { ApiKeyRow } from '@ops/infra/read-models';
import type { Repository } from 'typeorm';
import type { ApiKeyListView } from '../dto/api-key-views.dto';
import { ListApiKeysQuery } from './list-api-keys.query';

@QueryHandler(ListApiKeysQuery)
export class ListApiKeysHandler implements IQueryHandler<ListApiKeysQuery, ApiKeyListView> {
  constructor(@InjectRepository(ApiKeyRow) private readonly keys: Repository<ApiKeyRow>) {}

  async execute({ userId }: ListApiKeysQuery): Promise<ApiKeyListView> {
    // Revoked keys stay listed: the owner can still tell which key a past call used.
    const rows = await this.keys.find({
      where: { userId },
      order: { createdAt: 'DESC', keyId: 'ASC' },
    });
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
    };
  }
}
