import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  CREDIT_ACCOUNT_SCHEMA_VERSIONS,
  creditAccountDecider,
  creditAccountStream,
  parseMicros,
} from '@ops/domain';
import { CommandRunner } from '@ops/infra/event-sourcing/command-runner';
import type { CreditsGrantedView } from '../dto/credit-views.dto';
import { AdjustCreditsCommand } from './adjust-credits.command';

@CommandHandler(AdjustCreditsCommand)
export class AdjustCreditsHandler implements ICommandHandler<AdjustCreditsCommand, CreditsGrantedView> {
  constructor(private readonly commands: CommandRunner) {}

  async execute(command: AdjustCreditsCommand): Promise<CreditsGrantedView> {
    const amountMicros = parseMicros(command.amountMicros);
    const outcome = await this.commands.run({
      streamName: creditAccountStream(command.userId),
      decider: creditAccountDecider,
      command: { type: command.kind, userId: command.userId, amountMicros, reason: command.reason },
      context: command.context,
      schemaVersions: CREDIT_ACCOUNT_SCHEMA_VERSIONS,
    });
    return {
      event_id: outcome.eventIds[0],
      user_id: command.userId,
      amount_micros: amountMicros.toString(),
      balance_micros: outcome.state.balanceMicros.toString(),
      revision: outcome.revision.toString(),
      replayed: outcome.replayed,
    };
  }
}
