import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Whether an admin deactivated a person: one primary-key lookup per authenticated request, no cache,
 * so a deactivation shuts every token and key out on every replica as soon as it is projected.
 */
@Injectable()
export class DeactivatedSubjects {
  constructor(
    // Absent in an app without the read-model database, which has no one to deactivate.
    @Optional() @Inject(DataSource) private readonly db?: DataSource,
  ) {}

  async isDeactivated(subject: string): Promise<boolean> {
    if (!this.db) return false;
    const rows: unknown[] = await this.db.query('SELECT 1 FROM deactivated_subjects WHERE subject = $1', [
      subject,
    ]);
    return rows.length > 0;
  }
}
