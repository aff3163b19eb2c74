import { Injectable, UnprocessableEntityException } from '@nestjs/common';
import { CreditLedgerQueries, type LedgerEntryRow, type LedgerKindTotal } from '@ops/read-models';
import type { Period } from './period';

/** One report answers at most this many entries; a longer period is asked for in parts. */
export const MAX_LEDGER_ENTRIES = 100_000;

/** The credit ledger over a period, oldest first, with totals per kind. */
@Injectable()
export class LedgerReportService {
  constructor(private readonly ledger: CreditLedgerQueries) {}

  async entries(period: Period): Promise<LedgerEntryRow[]> {
    const rows = await this.ledger.entries(period, MAX_LEDGER_ENTRIES + 1);
    if (rows.length > MAX_LEDGER_ENTRIES) {
      throw new UnprocessableEntityException(
        `The period holds more than ${MAX_LEDGER_ENTRIES} ledger entries; ask for a shorter one`,
      );
    }
    return rows;
  }

  totalsByKind(period: Period): Promise<LedgerKindTotal[]> {
    return this.ledger.totalsByKind(period);
  }
}
