import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import { Roles } from '@ops/infra/auth';
import { AuditLogRow } from '@ops/infra/read-models';
import { Brackets, type Repository } from 'typeorm';
import { AuditLogQueryDto } from './audit-log-query.dto';

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

/** Newest first; the cursor is the (time, event id) of the last row, so pages are stable under inserts. */
function encodeCursor(row: AuditLogRow): string {
  return Buffer.from(`${row.occurredAt.toISOString()}|${row.eventId}`).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Only what encodeCursor makes is accepted: an exact ISO time (round-trips) and a UUID. */
function decodeCursor(cursor: string): { at: string; eventId: string } {
  const [at, eventId, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const time = new Date(at ?? '');
  const exactTime = !Number.isNaN(time.getTime()) && time.toISOString() === at;
  if (rest.length > 0 || !exactTime || !UUID.test(eventId ?? ''))
    throw new BadRequestException('cursor is not valid');
  return { at, eventId };
}

@ApiTags('audit')
@ApiBearerAuth()
@Roles('admin', 'auditor')
@Controller('api/v1/audit-log')
export class AuditLogController {
  constructor(@InjectRepository(AuditLogRow) private readonly log: Repository<AuditLogRow>) {}

  @Get()
  async search(
    @Query() query: AuditLogQueryDto,
  ): Promise<{ items: AuditEntryView[]; next_cursor: string | null }> {
    const limit = query.limit ?? 100;
    const select = this.log.createQueryBuilder('a');
    if (query.user !== undefined) select.andWhere('a.target_user = :user', { user: query.user });
    if (query.host !== undefined) select.andWhere('a.host_id = :host', { host: query.host });
    if (query.actor !== undefined) select.andWhere('a.actor = :actor', { actor: query.actor });
    if (query.action !== undefined) select.andWhere('a.action = :action', { action: query.action });
    if (query.from !== undefined) select.andWhere('a.occurred_at >= :from', { from: query.from });
    if (query.to !== undefined) select.andWhere('a.occurred_at < :to', { to: query.to });
    if (query.cursor !== undefined) {
      const { at, eventId } = decodeCursor(query.cursor);
      select.andWhere(
        new Brackets((where) =>
          where
            .where('a.occurred_at < :at', { at })
            .orWhere('a.occurred_at = :at AND a.event_id < :eventId', { at, eventId }),
        ),
      );
    }
    const rows = await select
      .orderBy('a.occurred_at', 'DESC')
      .addOrderBy('a.event_id', 'DESC')
      .take(limit + 1)
      .getMany();
    const page = rows.slice(0, limit);
    return {
      items: page.map((row) => ({
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
      next_cursor: rows.length > limit ? encodeCursor(page[page.length - 1]) : null,
    };
  }
}
