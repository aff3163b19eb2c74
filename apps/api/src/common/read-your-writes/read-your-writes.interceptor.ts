import {
  Injectable,
  StreamableFile,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { collectCommandPositions, type CommandPositions } from '@ops/infra/event-sourcing/command-positions';
import { START, type GlobalPosition } from '@ops/infra/event-store/event-store';
import { ReadModelFreshness } from '@ops/infra/projections/read-model-freshness';
import { READ_MODEL_PROJECTIONS } from '@ops/infra/read-models';
import type { Request, Response } from 'express';
import { from, mergeMap, type Observable } from 'rxjs';
import { minPositionError, minPositionOf, POSITION_HEADER, READ_MODELS_HEADER } from './position-headers';
import { READ_MODELS } from './read-models.decorator';

const READS = new Set(['GET', 'HEAD']);

function isJsonObject(body: unknown): body is Record<string, unknown> {
  return (
    typeof body === 'object' &&
    body !== null &&
    !Array.isArray(body) &&
    !Buffer.isBuffer(body) &&
    !(body instanceof StreamableFile)
  );
}

/** Whether the wait saw the read models apply the position, or ran out. */
function sayFreshness(response: Response, fresh: boolean): void {
  response.setHeader(READ_MODELS_HEADER, fresh ? 'fresh' : 'stale');
}

/**
 * Read your own writes, for every route in one place. A command's answer carries the log position it
 * committed and, where the route names its read models (@ReadModels), waits until they applied it;
 * a read given `x-ops-min-position` waits the same way, so another client or replica gets the same
 * guarantee. Either wait is bounded and says in `x-ops-read-models` whether it ran out.
 */
@Injectable()
export class ReadYourWritesInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly freshness: ReadModelFreshness,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const declared = this.reflector.getAllAndOverride<string[] | undefined>(READ_MODELS, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (READS.has(request.method)) {
      const minimum = minPositionOf(request);
      if (minimum === null) return next.handle();
      // A route that names no read models may read any of them.
      const models = declared ?? READ_MODEL_PROJECTIONS;
      return from(this.awaitRead(minimum, models, response)).pipe(mergeMap(() => next.handle()));
    }
    // Handed out inside the scope, so the handler runs (and its commands report) within it.
    const { positions, result } = collectCommandPositions(() => next.handle());
    return result.pipe(mergeMap((body) => this.answerCommand(positions, declared ?? [], body, response)));
  }

  private async awaitRead(minimum: GlobalPosition, models: readonly string[], response: Response) {
    const fresh = await this.freshness.waitFor(minimum, models);
    // Checked only once the wait ran out: the usual, valid position costs nothing more.
    if (!fresh && minimum > (await this.freshness.head())) {
      throw minPositionError('names a position this event log has not reached');
    }
    sayFreshness(response, fresh);
  }

  private async answerCommand(
    positions: CommandPositions,
    models: readonly string[],
    body: unknown,
    response: Response,
  ): Promise<unknown> {
    if (!positions.ran || response.headersSent) return body;
    // A command that appended nothing answered from what it read: the log's head covers that.
    const position = positions.newest ?? (await this.freshness.head());
    if (position === START) return body;
    response.setHeader(POSITION_HEADER, position);
    if (models.length > 0) sayFreshness(response, await this.freshness.waitFor(position, models));
    return isJsonObject(body) ? { ...body, position } : body;
  }
}
