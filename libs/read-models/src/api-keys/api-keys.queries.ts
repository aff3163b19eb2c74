import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { keysetPage, type Keyset, type PageRequest, type RowPage } from '../paging';
import { ApiKeyRow } from './api-key.table';

const NEWEST_FIRST: Keyset<ApiKeyRow> = {
  columns: [
    { column: 'k.created_at', type: 'timestamptz', of: (row) => row.createdAt },
    { column: 'k.key_id', type: 'uuid', of: (row) => row.keyId },
  ],
  direction: 'DESC',
};

@Injectable()
export class ApiKeysQueries {
  constructor(@InjectRepository(ApiKeyRow) private readonly keys: Repository<ApiKeyRow>) {}

  /** The owner's keys, newest first; revoked keys stay listed, so the owner can tell which key a past call used. */
  list(userId: string, page: PageRequest): Promise<RowPage<ApiKeyRow>> {
    return keysetPage(
      this.keys.createQueryBuilder('k').where('k.user_id = :userId', { userId }),
      NEWEST_FIRST,
      page,
    );
  }
}
