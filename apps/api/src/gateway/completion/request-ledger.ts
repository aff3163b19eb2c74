import { Injectable } from '@nestjs/common';
import {
  LLM_REQUEST_SCHEMA_VERSIONS,
  llmRequestDecider,
  llmRequestStream,
  type LlmRequestCommand,
  type LlmRequestEvent,
  type LlmRequestState,
  type RequestCompleted,
  type RequestFailed,
} from '@ops/domain';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import { CommandRunner, type RunCommand } from '@ops/infra/event-sourcing/command-runner';
import type { PlannedRequest } from './gateway-request';

export type LedgerCommand = RunCommand<LlmRequestCommand, LlmRequestEvent, LlmRequestState>;

/**
 * Records each routed request on its own stream: routed, then completed or failed. A request with a
 * credit hold records its routing with the hold and its end with the settlement or release, as one
 * append each (see RequestCredits); one without records them here, alone.
 */
@Injectable()
export class RequestLedger {
  constructor(private readonly commands: CommandRunner) {}

  async record(command: LedgerCommand): Promise<void> {
    await this.commands.run(command);
  }

  routing(planned: PlannedRequest): LedgerCommand {
    const command: LlmRequestCommand = {
      type: 'RecordRouting',
      routed: {
        requestId: planned.requestId,
        userId: planned.caller.userId,
        apiKeyId: planned.caller.apiKeyId,
        requestedModel: planned.body.model,
        powerLevel: planned.powerLevel,
        task: planned.task,
        privacy: planned.privacy,
        tier: planned.tier,
        streamed: planned.body.stream === true,
        candidates: planned.chain.map((link) => ({
          provider: link.model.provider,
          model: link.model.id,
          byok: link.byok,
          reason: link.reason,
        })),
        reservationId: planned.reservation?.id ?? null,
        reservedMicros: (planned.reservation?.amountMicros ?? 0n).toString(),
      },
    };
    return this.command(planned.requestId, command, planned.context, true);
  }

  completion(data: RequestCompleted['data'], context: CommandContext): LedgerCommand {
    return this.command(data.requestId, { type: 'RecordCompletion', completed: data }, context, false);
  }

  /** `routed` says whether a RequestRouted was recorded first (a refusal before routing has none). */
  failure(data: RequestFailed['data'], context: CommandContext, routed: boolean): LedgerCommand {
    return this.command(data.requestId, { type: 'RecordFailure', failed: data }, context, !routed);
  }

  /**
   * Without the caller's idempotency key: the stream is named after a request id made up for this
   * request, so a retried HTTP call is another request anyway.
   */
  private command(
    requestId: string,
    command: LlmRequestCommand,
    context: CommandContext,
    newStream: boolean,
  ): LedgerCommand {
    return {
      streamName: llmRequestStream(requestId),
      decider: llmRequestDecider,
      command,
      context: { ...context, idempotencyKey: undefined },
      schemaVersions: LLM_REQUEST_SCHEMA_VERSIONS,
      newStream,
    };
  }
}
