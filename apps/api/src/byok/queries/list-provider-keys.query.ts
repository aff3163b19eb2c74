import type { PageQueryDto } from '../../common/pagination';

export class ListProviderKeysQuery {
  constructor(
    readonly userId: string,
    readonly page: PageQueryDto,
  ) {}
}
