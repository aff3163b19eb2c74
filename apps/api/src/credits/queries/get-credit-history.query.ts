export class GetCreditHistoryQuery {
  constructor(
    readonly userId: string,
    readonly limit: number,
    /** Revision to page before (exclusive); absent for the newest page. */
    readonly beforeRevision?: string,
  ) {}
}
