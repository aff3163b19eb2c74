export class GetCreditBalanceQuery {
  constructor(readonly userId: string) {}
}
