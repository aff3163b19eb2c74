export class ListProviderKeysQuery {
  constructor(readonly userId: string) {}
}
