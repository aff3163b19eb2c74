import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { parseMicros, creditAccount } from '@ops/domain';
import { CommandRunner } from '@ops/infra/event-sourcing/command-runner';
import type { CreditAccountView } from '../dto/credit-account.view';
import { creditAccountView } from '../dto/credit-account.view';
import { SetAccountPlanCommand } from './set-account-plan.command';

@CommandHandler(SetAccountPlanCommand)
export class SetAccountPlanHandler implements ICommandHandler<SetAccountPlanCommand, CreditAccountView> {
  constructor(private readonly commands: CommandRunner) {}

  async execute(command: SetAccountPlanCommand): Promise<CreditAccountView> {
    const outcome = await this.commands.run({
      ...creditAccount.stream(command.userId),
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
    });
    return creditAccountView(command.userId, outcome.state, new Date());
  }
}
