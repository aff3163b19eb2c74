import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  CREDIT_ACCOUNT_SCHEMA_VERSIONS,
  creditAccountDecider,
  creditAccountStream,
  parseMicros,
} from '@ops/domain';
import { CommandRunner } from '@ops/infra/event-sourcing/command-runner';
import type { CreditAccountView } from '../dto/credit-account.view';
import { creditAccountView } from '../dto/credit-account.view';
import { SetAccountPlanCommand } from './set-account-plan.command';

@CommandHandler(SetAccountPlanCommand)
export class SetAccountPlanHandler implements ICommandHandler<SetAccountPlanCommand, CreditAccountView> {
  constructor(private readonly commands: CommandRunner) {}

  async execute(command: SetAccountPlanCommand): Promise<CreditAccountView> {
    const outcome = await this.commands.run({
      streamName: creditAccountStream(command.userId),
      decider: creditAccountDecider,
      command: {
        type: 'SetAccountPlan',
        userId: command.userId,
        tier: command.tier,
        monthlyCapMicros:
          command.monthlyCapMicros === null
            ? null
            : parseMicros(command.monthlyCapMicros, 'monthly_cap_micros'),
        defaultPowerLevel: command.defaultPowerLevel,
        privacyMode: command.privacyMode,
      },
      context: command.context,
      schemaVersions: CREDIT_ACCOUNT_SCHEMA_VERSIONS,
    });
    return creditAccountView(command.userId, outcome.state, new Date());
  }
}
