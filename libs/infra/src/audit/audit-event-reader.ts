import { Pool } from 'pg';
import type { GlobalPosition, RecordedEvent } from '../event-store/event-store';
import type { EventRow } from '../event-store/postgres/event-rows';
import { cursorFrom, toRecordedEvent } from '../event-store/postgres/event-rows';
import type { AuditEventFilter } from './audit-event-filter';
import { AuditExport, EXPORT_CURSOR } from './audit-export';
import { auditEventsQuery } from './audit-events-sql';

export interface AuditEventPage {
  events: RecordedEvent[];
  /** Position of the page's last event when more may follow; null when the page is the last. */
  next: GlobalPosition | null;
}

export interface ExportOptions {
  /**
   * The SQL expression (over the `events` row `e`) that writes one event's line, newline included:
   * the export's format belongs to its caller, and the database writing it is most of its speed.
   */
  line: string;
  /** At most this many events in all; unbounded when absent. */
  limit?: number;
  /** Events per round trip to the database, and so the most held in memory at once. */
  batchSize?: number;
}

/**
 * Auditors' reads of the PostgreSQL event log with filters the store's port does not offer (actor,
 * recorded time). Its own small pool keeps long exports from starving the API's connections.
 */
export class AuditEventReader {
  constructor(private readonly pool: Pool) {}

  static connect(url: string, maxConnections = 4): AuditEventReader {
    return new AuditEventReader(
      new Pool({ connectionString: url, max: maxConnections, application_name: 'ops-center-audit' }),
    );
  }

  /** Matching events strictly after `after` (a position, or the start of the log when absent). */
  async page(
    filter: AuditEventFilter,
    after: GlobalPosition | undefined,
    limit: number,
  ): Promise<AuditEventPage> {
    const { text, values } = auditEventsQuery(filter, cursorFrom(after), limit + 1);
    const { rows } = await this.pool.query<EventRow>({ text, values });
    const events = rows.slice(0, limit).map(toRecordedEvent);
    return { events, next: rows.length > limit ? events[events.length - 1].position : null };
  }

  /**
   * Every matching event after `after`, as of one snapshot, as lines in batches pulled by the consumer. The
   * cursor is opened here, before the first batch, so that a failure to start is the caller's error
   * to answer rather than a broken stream. A read-only transaction takes no transaction id, so a
   * long export never holds back the visibility horizon the projections read below.
   */
  async export(
    filter: AuditEventFilter,
    after: GlobalPosition | undefined,
    options: ExportOptions,
  ): Promise<AuditExport> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const { text, values } = auditEventsQuery(
        filter,
        cursorFrom(after),
        options.limit,
        `${options.line} AS line`,
      );
      await client.query({ text: `DECLARE ${EXPORT_CURSOR} NO SCROLL CURSOR FOR ${text}`, values });
    } catch (error) {
      client.release(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    return new AuditExport(client, options.batchSize ?? 1_000);
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
