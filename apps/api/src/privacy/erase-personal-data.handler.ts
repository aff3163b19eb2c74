import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { assertValidUserId } from '@ops/domain';
import { PRIVACY_SCHEMA_VERSIONS, privacyDecider, privacyStream } from '@ops/domain/privacy';
import { DataKeyVault } from '@ops/infra/crypto/data-keys';
import { CommandRunner } from '@ops/infra/event-sourcing/command-runner';
import { ErasePersonalDataCommand } from './erase-personal-data.command';
import type { ErasureView } from './erasure-view';

/**
 * Crypto-shredding: destroys the subject's data key first, then records the erasure. In that order a
 * failure in between leaves the key destroyed and the request retryable, never an erasure on record
 * whose key still opens.
 */
@CommandHandler(ErasePersonalDataCommand)
export class ErasePersonalDataHandler implements ICommandHandler<ErasePersonalDataCommand, ErasureView> {
  constructor(
    private readonly vault: DataKeyVault,
    private readonly commands: CommandRunner,
  ) {}

  async execute({ subject, context }: ErasePersonalDataCommand): Promise<ErasureView> {
    assertValidUserId(subject, 'subject');
    const erasure = await this.vault.erase(subject);
    await this.commands.run({
      streamName: privacyStream(subject),
      decider: privacyDecider,
      command: { type: 'RecordPersonalDataErasure', subject, erasedBy: context.actor },
      context,
      schemaVersions: PRIVACY_SCHEMA_VERSIONS,
    });
    return {
      subject,
      erased_at: erasure.erasedAt.toISOString(),
      already_erased: !erasure.newlyErased,
    };
  }
}
