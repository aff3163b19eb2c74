export class ListApiKeysQuery {
  constructor(readonly userId: string) {}
}
