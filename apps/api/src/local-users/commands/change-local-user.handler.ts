import { NotFoundException } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { assertValidHostId, assertValidUsername, hostDecider, hostStream, localUser } from '@ops/domain';
import { CommandRunner } from '@ops/infra/event-sourcing/command-runner';
import type { LocalUserChangeView } from '../local-user-views';
import { ChangeLocalUserCommand } from './change-local-user.command';

@CommandHandler(ChangeLocalUserCommand)
export class ChangeLocalUserHandler implements ICommandHandler<ChangeLocalUserCommand, LocalUserChangeView> {
  constructor(private readonly commands: CommandRunner) {}

  async execute({ hostId, username, build, context }: ChangeLocalUserCommand): Promise<LocalUserChangeView> {
    assertValidHostId(hostId, 'host');
    assertValidUsername(username);
    const host = await this.commands.load(hostStream(hostId), hostDecider);
    if (!host.state.registered) throw new NotFoundException(`No host ${hostId} is registered`);
    const outcome = await this.commands.run({
      ...localUser.stream(hostId, username),
      command: build(host.state),
      context,
    });
    const changed = outcome.eventIds.length > 0;
    return {
      host: hostId,
      username,
      changed,
      revision: outcome.revision.toString(),
      state: changed ? 'pending' : 'unchanged',
    };
  }
}
