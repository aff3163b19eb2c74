import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { parseMicros, creditAccount } from '@ops/domain';
import { CommandRunner } from '@ops/infra/event-sourcing/command-runner';
import type { CreditsGrantedView } from '../dto/credit-views.dto';
import { AdjustCreditsCommand } from './adjust-credits.command';

@CommandHandler(AdjustCreditsCommand)
export class AdjustCreditsHandler implements ICommandHandler<AdjustCreditsCommand, CreditsGrantedView> {
  constructor(private readonly commands: CommandRunner) {}

  async execute(command: AdjustCreditsCommand): Promise<CreditsGrantedView> {
    const amountMicros = parseMicros(command.amountMicros);
    const outcome = await this.commands.run({
      ...creditAccount.stream(command.userId),
      command: { type: command.kind, userId: command.userId, amountMicros, reason: command.reason },
      context: command.context,
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
