import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { keysetPage, type Keyset, type PageRequest, type RowPage } from '../paging';
import { AuditLogRow } from './audit-log.table';

/** Every filter given must match; none given lists the whole log. */
export interface AuditLogFilter {
  /** A local user name (host changes) or a user id (credit movements). */
  readonly user?: string;
  readonly host?: string;
  readonly actor?: string;
  readonly action?: string;
  /** ISO times: from inclusive, to exclusive. */
  readonly from?: string;
  readonly to?: string;
}

/** Newest first; the event id breaks ties between events of the same instant. */
const NEWEST_FIRST: Keyset<AuditLogRow> = {
  columns: [
    { column: 'a.occurred_at', type: 'timestamptz', of: (row) => row.occurredAt },
    { column: 'a.event_id', type: 'uuid', of: (row) => row.eventId },
  ],
  direction: 'DESC',
};

@Injectable()
export class AuditLogQueries {
  constructor(@InjectRepository(AuditLogRow) private readonly log: Repository<AuditLogRow>) {}

  search(filter: AuditLogFilter, page: PageRequest): Promise<RowPage<AuditLogRow>> {
    const select = this.log.createQueryBuilder('a');
    if (filter.user !== undefined) select.andWhere('a.target_user = :user', { user: filter.user });
    if (filter.host !== undefined) select.andWhere('a.host_id = :host', { host: filter.host });
    if (filter.actor !== undefined) select.andWhere('a.actor = :actor', { actor: filter.actor });
    if (filter.action !== undefined) select.andWhere('a.action = :action', { action: filter.action });
    if (filter.from !== undefined) select.andWhere('a.occurred_at >= :from', { from: filter.from });
    if (filter.to !== undefined) select.andWhere('a.occurred_at < :to', { to: filter.to });
    return keysetPage(select, NEWEST_FIRST, page);
  }
}
