import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '@ops/infra/auth';
import { AUDIT_LOG_PROJECTION } from '@ops/infra/read-models';
import { AuditLogQueries, type AuditLogRow } from '@ops/read-models';
import { ApiPageResponse, pageOf, type Page } from '../common/pagination';
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

function auditEntryView(row: AuditLogRow): AuditEntryView {
  return {
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
  };
}

@ApiTags('audit')
@ApiBearerAuth()
@Roles('admin', 'auditor')
@ReadModels(AUDIT_LOG_PROJECTION)
@Controller('api/v1/audit-log')
export class AuditLogController {
  constructor(private readonly auditLog: AuditLogQueries) {}

  /** The DTO is both the filter and the page: its fields carry the same names. */
  @Get()
  @ApiPageResponse(undefined, 'One row per event, newest first')
  async search(@Query() query: AuditLogQueryDto): Promise<Page<AuditEntryView>> {
    return pageOf(await this.auditLog.search(query, query), auditEntryView);
  }
}
