export class ListLocalUsersQuery {
  constructor(readonly hostId: string) {}
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
  ) {}
}
