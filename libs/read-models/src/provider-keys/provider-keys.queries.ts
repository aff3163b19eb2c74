import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { keysetPage, type Keyset, type PageRequest, type RowPage } from '../paging';
import { ProviderKeyRow } from './provider-key.table';

const BY_PROVIDER: Keyset<ProviderKeyRow> = {
  columns: [{ column: 'k.provider', type: 'text', of: (row) => row.provider }],
  direction: 'ASC',
};

@Injectable()
export class ProviderKeysQueries {
  constructor(@InjectRepository(ProviderKeyRow) private readonly keys: Repository<ProviderKeyRow>) {}

  /** The owner's keys by provider, erased ones included: the caller opens the labels it shows. */
  list(userId: string, page: PageRequest): Promise<RowPage<ProviderKeyRow>> {
    return keysetPage(
      this.keys.createQueryBuilder('k').where('k.user_id = :userId', { userId }),
      BY_PROVIDER,
      page,
    );
  }
}
