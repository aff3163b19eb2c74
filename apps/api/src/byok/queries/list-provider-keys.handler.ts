import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { InjectRepository } from '@nestjs/typeorm';
import { providerKeyContext } from '@ops/domain/byok';
import { DataKeyVault } from '@ops/infra/crypto/data-keys';
import { ProviderKeyRow } from '@ops/read-models';
import type { Repository } from 'typeorm';
import { keysetPage, type Keyset, type Page } from '../../common/pagination';
import type { ProviderKeyView } from '../dto/provider-key-views';
import { ListProviderKeysQuery } from './list-provider-keys.query';

const BY_PROVIDER: Keyset<ProviderKeyRow> = {
  columns: [{ column: 'k.provider', type: 'text', of: (row) => row.provider }],
  direction: 'ASC',
};

/** The caller's keys, masked; labels are opened here, so an erased owner's read as erased at once. */
@QueryHandler(ListProviderKeysQuery)
export class ListProviderKeysHandler implements IQueryHandler<ListProviderKeysQuery, Page<ProviderKeyView>> {
  constructor(
    @InjectRepository(ProviderKeyRow) private readonly keys: Repository<ProviderKeyRow>,
    private readonly vault: DataKeyVault,
  ) {}

  async execute({ userId, page }: ListProviderKeysQuery): Promise<Page<ProviderKeyView>> {
    const select = this.keys.createQueryBuilder('k').where('k.user_id = :userId', { userId });
    const { rows, next_cursor } = await keysetPage(select, BY_PROVIDER, page);
    const erased = rows.length > 0 && (await this.vault.isErased(userId));
    const items = await Promise.all(
      rows.map(async (row) => ({
        provider: row.provider,
        label:
          erased || row.sealedLabel === null
            ? null
            : await this.vault.open(row.sealedLabel, providerKeyContext(userId, row.provider, 'label')),
        last4: row.last4,
        added_at: row.addedAt.toISOString(),
        validated_at: row.validatedAt?.toISOString() ?? null,
        status: erased ? 'erased' : row.status,
      })),
    );
    return { items, next_cursor };
  }
}
