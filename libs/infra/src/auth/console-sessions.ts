import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Whether a console session is still open: a token naming a session (`console_sid`) is accepted only while
 * its session is neither revoked nor expired, so signing out ends it at once on every replica.
 */
@Injectable()
export class ConsoleSessions {
  constructor(
    // Absent in an app without the read-model database, which opens no console sessions.
    @Optional() @Inject(DataSource) private readonly db?: DataSource,
  ) {}

  async isOpen(sessionId: string): Promise<boolean> {
    if (!this.db) return false;
    const rows: unknown[] = await this.db.query(
      'SELECT 1 FROM console_sessions WHERE id = $1 AND revoked_at IS NULL AND expires_at > now()',
      [sessionId],
    );
    return rows.length > 0;
  }
}
