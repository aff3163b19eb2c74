import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccessAnswers } from './access-answers';
import { AccessChanges } from './access-changes';

/**
 * Whether an admin deactivated a person: asked on every authenticated request, answered by a
 * primary-key lookup kept in memory until the access read models change (AccessChanges), so a
 * deactivation shuts every token and key out on every replica as soon as it is projected.
 */
@Injectable()
export class DeactivatedSubjects {
  private readonly answers: AccessAnswers<boolean> | null;

  constructor(
    // Absent in an app without the read-model database, which has no one to deactivate.
    @Optional() @Inject(DataSource) private readonly db?: DataSource,
    @Optional() changes?: AccessChanges,
  ) {
    this.answers = changes ? new AccessAnswers(changes) : null;
  }

  async isDeactivated(subject: string): Promise<boolean> {
    const db = this.db;
    if (!db) return false;
    const read = async () => {
      const rows: unknown[] = await db.query('SELECT 1 FROM deactivated_subjects WHERE subject = $1', [
        subject,
      ]);
      return rows.length > 0;
    };
    return this.answers ? this.answers.get(subject, read) : read();
  }
}
