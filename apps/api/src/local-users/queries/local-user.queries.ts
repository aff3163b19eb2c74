import type { PageQueryDto } from '../../common/pagination';

export class ListLocalUsersQuery {
  constructor(
    /** Null: every host. */
    readonly hostId: string | null,
    readonly page: PageQueryDto,
  ) {}
}

export class GetLocalUserQuery {
  constructor(
    readonly hostId: string,
    readonly username: string,
  ) {}
}

export class ListSshKeysQuery {
  constructor(
    readonly hostId: string,
    readonly username: string,
    readonly page: PageQueryDto,
  ) {}
}
