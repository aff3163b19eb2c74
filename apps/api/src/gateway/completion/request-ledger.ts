import { Injectable } from '@nestjs/common';
import {
  LLM_REQUEST_SCHEMA_VERSIONS,
  llmRequestDecider,
  llmRequestStream,
  type LlmRequestCommand,
  type RequestCompleted,
  type RequestFailed,
  type RequestRouted,
} from '@ops/domain';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import { CommandRunner } from '@ops/infra/event-sourcing/command-runner';

/** Records each routed request on its own stream: routed, then completed or failed. */
@Injectable()
export class RequestLedger {
  constructor(private readonly commands: CommandRunner) {}

  routed(data: RequestRouted['data'], context: CommandContext): Promise<void> {
    return this.record(data.requestId, { type: 'RecordRouting', routed: data }, context, true);
  }

  completed(data: RequestCompleted['data'], context: CommandContext): Promise<void> {
    return this.record(data.requestId, { type: 'RecordCompletion', completed: data }, context, false);
  }

  /** `routed` says whether a RequestRouted was recorded first (a refusal before routing has none). */
  failed(data: RequestFailed['data'], context: CommandContext, routed: boolean): Promise<void> {
    return this.record(data.requestId, { type: 'RecordFailure', failed: data }, context, !routed);
  }

  private async record(
    requestId: string,
    command: LlmRequestCommand,
    context: CommandContext,
    newStream: boolean,
  ): Promise<void> {
    await this.commands.run({
      streamName: llmRequestStream(requestId),
      decider: llmRequestDecider,
      command,
      context,
      schemaVersions: LLM_REQUEST_SCHEMA_VERSIONS,
      newStream,
    });
  }
}
