import type { DomainEvent } from '@ops/domain';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CommandOutcome, CommandRunner, type RunCommand } from './command-runner';

/**
 * A command on one aggregate, as every caller that has no use case of its own sends it: through
 * Nest's CommandBus, like the use cases' commands, so that the bus is the one way into the log.
 */
export class RunAggregateCommand<
  Command_ extends { type: string } = { type: string },
  Event extends DomainEvent = DomainEvent,
  State = unknown,
> extends Command<CommandOutcome<State>> {
  constructor(readonly run: RunCommand<Command_, Event, State>) {
    super();
  }
}

@CommandHandler(RunAggregateCommand)
export class RunAggregateCommandHandler implements ICommandHandler<RunAggregateCommand> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ run }: RunAggregateCommand): Promise<CommandOutcome<unknown>> {
    return this.runner.run(run);
  }
}
