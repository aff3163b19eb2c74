import type { PageQueryDto } from '../../common/pagination';

export class ListApiKeysQuery {
  constructor(
    readonly userId: string,
    readonly page: PageQueryDto,
  ) {}
}
