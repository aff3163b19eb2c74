import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { assertValidUserId } from '@ops/domain';
import { privacy } from '@ops/domain/privacy';
import { DataKeyVault } from '@ops/infra/crypto/data-keys';
import { CommandRunner } from '@ops/infra/event-sourcing/command-runner';
import { RevokeAllApiKeysCommand } from '../api-keys/commands/revoke-all-api-keys.command';
import type { RevokedApiKeysView } from '../api-keys/dto/api-key-views.dto';
import { ErasePersonalDataCommand } from './erase-personal-data.command';
import type { ErasureView } from './erasure-view';

/**
 * Cuts the subject off, then crypto-shreds: revokes every personal API key they hold (events), destroys
 * their data key, then records the erasure. In that order a failure in between leaves the request
 * retryable, never an erasure on record whose key still opens or whose API keys still work.
 */
@CommandHandler(ErasePersonalDataCommand)
export class ErasePersonalDataHandler implements ICommandHandler<ErasePersonalDataCommand, ErasureView> {
  constructor(
    private readonly vault: DataKeyVault,
    private readonly commands: CommandRunner,
    private readonly bus: CommandBus,
  ) {}

  async execute({ subject, context }: ErasePersonalDataCommand): Promise<ErasureView> {
    assertValidUserId(subject, 'subject');
    const revoked = await this.bus.execute<RevokeAllApiKeysCommand, RevokedApiKeysView>(
      new RevokeAllApiKeysCommand(subject, context),
    );
    const erasure = await this.vault.erase(subject);
    await this.commands.run({
      ...privacy.stream(subject),
      command: { type: 'RecordPersonalDataErasure', subject, erasedBy: context.actor },
      context,
    });
    return {
      subject,
      erased_at: erasure.erasedAt.toISOString(),
      already_erased: !erasure.newlyErased,
      api_keys_revoked: revoked.revoked,
    };
  }
}
