import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import { Roles } from '@ops/infra/auth';
import { AUDIT_LOG_PROJECTION } from '@ops/infra/read-models';
import { AuditLogRow } from '@ops/read-models';
import type { Repository } from 'typeorm';
import { ApiPageResponse, keysetPage, type Keyset, type Page } from '../common/pagination';
import { AuditLogQueryDto } from './audit-log-query.dto';
import { ReadModels } from '../common/read-your-writes/read-models.decorator';

interface AuditEntryView {
  event_id: string;
  occurred_at: string;
  actor: string;
  action: string;
  event_type: string;
  stream: string;
  revision: string;
  host: string | null;
  user: string | null;
  outcome: string | null;
  /** Why a host change failed; null for every other event. */
  detail: string | null;
  correlation_id: string;
}

/** Newest first; the event id breaks ties between events of the same instant. */
const NEWEST_FIRST: Keyset<AuditLogRow> = {
  columns: [
    { column: 'a.occurred_at', type: 'timestamptz', of: (row) => row.occurredAt },
    { column: 'a.event_id', type: 'uuid', of: (row) => row.eventId },
  ],
  direction: 'DESC',
};

@ApiTags('audit')
@ApiBearerAuth()
@Roles('admin', 'auditor')
@ReadModels(AUDIT_LOG_PROJECTION)
@Controller('api/v1/audit-log')
export class AuditLogController {
  constructor(@InjectRepository(AuditLogRow) private readonly log: Repository<AuditLogRow>) {}

  @Get()
  @ApiPageResponse(undefined, 'One row per event, newest first')
  async search(@Query() query: AuditLogQueryDto): Promise<Page<AuditEntryView>> {
    const select = this.log.createQueryBuilder('a');
    if (query.user !== undefined) select.andWhere('a.target_user = :user', { user: query.user });
    if (query.host !== undefined) select.andWhere('a.host_id = :host', { host: query.host });
    if (query.actor !== undefined) select.andWhere('a.actor = :actor', { actor: query.actor });
    if (query.action !== undefined) select.andWhere('a.action = :action', { action: query.action });
    if (query.from !== undefined) select.andWhere('a.occurred_at >= :from', { from: query.from });
    if (query.to !== undefined) select.andWhere('a.occurred_at < :to', { to: query.to });
    const { rows, next_cursor } = await keysetPage(select, NEWEST_FIRST, query);
    return {
      items: rows.map((row) => ({
        event_id: row.eventId,
        occurred_at: row.occurredAt.toISOString(),
        actor: row.actor,
        action: row.action,
        event_type: row.eventType,
        stream: row.streamName,
        revision: row.streamRevision,
        host: row.hostId,
        user: row.targetUser,
        outcome: row.outcome,
        detail: row.detail,
        correlation_id: row.correlationId,
      })),
      next_cursor,
    };
  }
}
