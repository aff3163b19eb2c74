import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  CREDIT_ACCOUNT_SCHEMA_VERSIONS,
  creditAccountDecider,
  creditAccountStream,
  parseMicros,
} from '@ops/domain';
import { runCommand } from '@ops/infra/event-sourcing/command-runner';
import { EVENT_STORE, type EventStore } from '@ops/infra/event-store/event-store';
import type { CreditsGrantedView } from '../dto/credit-views.dto';
import { GrantCreditsCommand } from './grant-credits.command';

@CommandHandler(GrantCreditsCommand)
export class GrantCreditsHandler implements ICommandHandler<GrantCreditsCommand, CreditsGrantedView> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute(command: GrantCreditsCommand): Promise<CreditsGrantedView> {
    const amountMicros = parseMicros(command.amountMicros);
    const outcome = await runCommand(this.store, {
      streamName: creditAccountStream(command.userId),
      decider: creditAccountDecider,
      command: { type: 'GrantCredits', userId: command.userId, amountMicros, reason: command.reason },
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
