import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

@Injectable()
export class CreditHoldsQueries {
  constructor(private readonly db: DataSource) {}

  /** Up to `limit` accounts holding at least one hold already expired (by the database's clock). */
  async accountsWithExpiredHolds(limit: number): Promise<string[]> {
    const rows: { user_id: string }[] = await this.db.query(
      'SELECT DISTINCT user_id FROM credit_holds WHERE expires_at <= now() LIMIT $1',
      [limit],
    );
    return rows.map((row) => row.user_id);
  }
}
