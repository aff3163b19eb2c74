import {
  Controller,
  Get,
  Headers,
  Inject,
  NotFoundException,
  NotImplementedException,
  Param,
  Query,
  type StreamableFile,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { AuditEventFilter, AuditEventReader } from '@ops/infra/audit';
import { streamBatches } from '@ops/infra/audit';
import { Roles } from '@ops/infra/auth';
import { EVENT_STORE, type EventStore } from '@ops/infra/event-store/event-store';
import { AUDIT_EVENT_READER } from './audit-event-reader.provider';
import { AUDIT_EVENT_LINE_SQL, AuditEventPageView, StreamView, toAuditEventView } from './audit-event.view';
import {
  AuditEventsQueryDto,
  STREAM_PATH_DOC,
  STREAM_ROUTE,
  StreamParamsDto,
  StreamQueryDto,
} from './audit-events-query.dto';
import { NDJSON, ndjsonResponse, wantsNdjson } from './ndjson';
import { ReadModels } from '../../common/read-your-writes/read-models.decorator';

const DEFAULT_EVENTS_PAGE = 100;
const DEFAULT_STREAM_PAGE = 1_000;

function filterOf(query: AuditEventsQueryDto): AuditEventFilter {
  return {
    stream: query.stream,
    category: query.category,
    type: query.type,
    actor: query.actor,
    from: query.from === undefined ? undefined : new Date(query.from),
    to: query.to === undefined ? undefined : new Date(query.to),
  };
}

/** The event log itself, for auditors: any slice of it, or one whole stream, as JSON pages or NDJSON. */
@ApiTags('audit')
@ApiBearerAuth()
@Roles('admin', 'auditor')
@ReadModels()
@Controller('api/v1/audit')
export class AuditEventsController {
  constructor(
    @Inject(AUDIT_EVENT_READER) private readonly reader: AuditEventReader | null,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('events')
  @ApiProduces('application/json', NDJSON)
  @ApiOkResponse({
    type: AuditEventPageView,
    description: `Events in log order. With \`Accept: ${NDJSON}\`: every matching event, one per line, streamed`,
  })
  async events(
    @Query() query: AuditEventsQueryDto,
    @Headers('accept') accept?: string,
  ): Promise<AuditEventPageView | StreamableFile> {
    if (!this.reader) {
      throw new NotImplementedException(
        'Searching the log needs the PostgreSQL event store (EVENT_STORE=postgres)',
      );
    }
    const filter = filterOf(query);
    if (wantsNdjson(accept)) {
      return ndjsonResponse(
        await this.reader.export(filter, query.cursor, { limit: query.limit, line: AUDIT_EVENT_LINE_SQL }),
        (line) => line,
      );
    }
    const page = await this.reader.page(filter, query.cursor, query.limit ?? DEFAULT_EVENTS_PAGE);
    return { items: page.events.map(toAuditEventView), next_cursor: page.next };
  }

  @Get(STREAM_ROUTE)
  @ApiParam(STREAM_PATH_DOC)
  @ApiProduces('application/json', NDJSON)
  @ApiOkResponse({
    type: StreamView,
    description: `One stream in revision order. With \`Accept: ${NDJSON}\`: the whole stream, one event per line`,
  })
  async stream(
    @Param() { stream }: StreamParamsDto,
    @Query() query: StreamQueryDto,
    @Headers('accept') accept?: string,
  ): Promise<StreamView | StreamableFile> {
    const from = BigInt(query.cursor ?? '0');
    if (wantsNdjson(accept)) {
      await this.assertStreamExists(stream);
      return ndjsonResponse(
        streamBatches(this.store, stream, from, { limit: query.limit }),
        (event) => `${JSON.stringify(toAuditEventView(event))}\n`,
      );
    }
    const limit = query.limit ?? DEFAULT_STREAM_PAGE;
    const events = await this.store.readStream(stream, { fromRevision: from, maxCount: limit + 1 });
    if (events.length === 0) await this.assertStreamExists(stream);
    const page = events.slice(0, limit);
    return {
      stream,
      items: page.map(toAuditEventView),
      next_cursor: events.length > limit ? (page[page.length - 1].revision + 1n).toString() : null,
    };
  }

  private async assertStreamExists(stream: string): Promise<void> {
    const [first] = await this.store.readStream(stream, { maxCount: 1 });
    if (!first) throw new NotFoundException(`No stream named ${stream}`);
  }
}
