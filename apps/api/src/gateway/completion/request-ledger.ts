import { Injectable } from '@nestjs/common';
import {
  type LlmRequestCommand,
  type LlmRequestEvent,
  type LlmRequestState,
  type RequestCompleted,
  type RequestFailed,
  type RecordedRoutingControls,
  type RequestRoute,
  type RoutingControls,
  llmRequest,
} from '@ops/domain';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import { CommandBus } from '@nestjs/cqrs';
import type { RunCommand } from '@ops/infra/event-sourcing/command-runner';
import { RunAggregateCommand } from '@ops/infra/event-sourcing/run-aggregate-command';
import type { PlannedRequest, RoutedBody } from './gateway-request';

export type LedgerCommand = RunCommand<LlmRequestCommand, LlmRequestEvent, LlmRequestState>;

/** The routing decision as the request's event records it. */
export function routeOf(planned: PlannedRequest<RoutedBody>): RequestRoute {
  return {
    apiKeyId: planned.caller.apiKeyId,
    requestedModel: planned.body.model,
    powerLevel: planned.powerLevel,
    task: planned.task,
    privacy: planned.privacy,
    streamed: planned.body.stream === true,
    candidates: planned.chain.map((link) => ({
      provider: link.model.provider,
      model: link.model.id,
      byok: link.byok,
      reason: link.reason,
    })),
    reservationId: planned.reservation?.id ?? null,
    reservedMicros: (planned.reservation?.amountMicros ?? 0n).toString(),
    controls: planned.controls && recordedControls(planned.controls),
    ceilingMicros: planned.ceilingMicros.toString(),
  };
}

/** The controls as plain lists, only those the request set; null when it set none. */
function recordedControls(controls: RoutingControls): RecordedRoutingControls | null {
  const { models, order, only, ignore, allowFallbacks, sort } = controls;
  const recorded: RecordedRoutingControls = {
    ...(models ? { models: [...models] } : {}),
    ...(order ? { order: [...order] } : {}),
    ...(only ? { only: [...only] } : {}),
    ...(ignore ? { ignore: [...ignore] } : {}),
    ...(allowFallbacks === undefined ? {} : { allowFallbacks }),
    ...(sort ? { sort } : {}),
  };
  return Object.keys(recorded).length > 0 ? recorded : null;
}

/**
 * Records a request on its own stream, in one event once it ends, with how it was routed: a failure
 * (with the release of its hold, in one append: see RequestCredits), and a completion the debit of its
 * hold does not carry (no hold, or one that ended with nothing left to charge).
 */
@Injectable()
export class RequestLedger {
  constructor(private readonly commands: CommandBus) {}

  async record(command: LedgerCommand): Promise<void> {
    await this.commands.execute(new RunAggregateCommand(command));
  }

  completion(data: RequestCompleted['data'], context: CommandContext): LedgerCommand {
    return this.command(data.requestId, { type: 'RecordCompletion', completed: data }, context);
  }

  failure(data: RequestFailed['data'], context: CommandContext): LedgerCommand {
    return this.command(data.requestId, { type: 'RecordFailure', failed: data }, context);
  }

  /**
   * Without the caller's idempotency key: the stream is named after a request id made up for this
   * request, so a retried HTTP call is another request anyway; and its one event starts it.
   */
  private command(requestId: string, command: LlmRequestCommand, context: CommandContext): LedgerCommand {
    return {
      ...llmRequest.stream(requestId),
      command,
      context: { ...context, idempotencyKey: undefined },
      newStream: true,
    };
  }
}
