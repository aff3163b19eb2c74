import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { SealedField } from '@ops/domain/privacy';
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

  /** The owner's sealed key for the provider; null when there is none, or it was erased. */
  async sealedKey(userId: string, provider: string): Promise<SealedField | null> {
    const [row]: { sealed_key: SealedField }[] = await this.keys.query(
      'SELECT sealed_key FROM provider_keys WHERE user_id = $1 AND provider = $2 AND sealed_key IS NOT NULL',
      [userId, provider],
    );
    return row?.sealed_key ?? null;
  }

  /** The providers the owner holds a usable (not erased) key for. */
  async providersWithKeys(userId: string): Promise<string[]> {
    const rows: { provider: string }[] = await this.keys.query(
      'SELECT provider FROM provider_keys WHERE user_id = $1 AND sealed_key IS NOT NULL',
      [userId],
    );
    return rows.map((row) => row.provider);
  }
}
