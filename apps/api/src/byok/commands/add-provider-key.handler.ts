import { ConflictException, HttpStatus } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DomainError } from '@ops/domain';
import { parseByokProvider, providerKeyContext, providerKeys } from '@ops/domain/byok';
import { assertApiKeyFormat } from '@ops/domain/llm/providers';
import type { SealedField } from '@ops/domain/privacy';
import { DataKeyVault, SubjectErasedError } from '@ops/infra/crypto/data-keys';
import { CommandRunner } from '@ops/infra/event-sourcing/command-runner';
import { FieldErrorsException } from '@ops/infra/http/problem-details';
import type { ProviderKeyAddedView } from '../dto/provider-key-views';
import { ByokKeyResolver } from '../byok-key-resolver';
import { ProviderKeyCheck } from '../provider-key-check';
import { AddProviderKeyCommand } from './add-provider-key.command';

/** A key of the wrong shape is well-formed input that cannot be a key: 422, like a refused one. */
function assertKeyFormat(provider: Parameters<typeof assertApiKeyFormat>[0], apiKey: string): void {
  try {
    assertApiKeyFormat(provider, apiKey);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    throw new FieldErrorsException(
      [{ field: error.field ?? 'api_key', message: error.message }],
      HttpStatus.UNPROCESSABLE_ENTITY,
    );
  }
}

function erasedConflict(userId: string): ConflictException {
  return new ConflictException(`The personal data of ${userId} was erased: no key can be stored for them`);
}

/**
 * Stores the caller's key for a provider: format check, live check, then only the sealed key, its
 * last four characters and the sealed label reach the event.
 */
@CommandHandler(AddProviderKeyCommand)
export class AddProviderKeyHandler implements ICommandHandler<AddProviderKeyCommand, ProviderKeyAddedView> {
  constructor(
    private readonly commands: CommandRunner,
    private readonly vault: DataKeyVault,
    private readonly keyCheck: ProviderKeyCheck,
    private readonly resolver: ByokKeyResolver,
  ) {}

  async execute(command: AddProviderKeyCommand): Promise<ProviderKeyAddedView> {
    const provider = parseByokProvider(command.provider);
    const apiKey = command.apiKey.trim();
    const label = command.label?.trim() || null;
    assertKeyFormat(provider.id, apiKey);
    const userId = command.context.actor;
    // No key of an erased person is sent anywhere, not even to check it.
    if (await this.vault.isErased(userId)) throw erasedConflict(userId);
    const check = await this.keyCheck.check(provider, apiKey);

    const sealedKey = await this.seal(userId, apiKey, providerKeyContext(userId, provider.id, 'api_key'));
    const sealedLabel =
      label === null
        ? null
        : await this.seal(userId, label, providerKeyContext(userId, provider.id, 'label'));
    const last4 = apiKey.slice(-4);
    const outcome = await this.commands.run({
      ...providerKeys.stream(userId),
      command: {
        type: 'AddProviderKey',
        userId,
        provider: provider.id,
        sealedKey,
        last4,
        sealedLabel,
        validatedAt: check.validatedAt,
      },
      context: command.context,
    });
    this.resolver.forget(userId);
    return {
      provider: provider.id,
      label,
      last4,
      validated_at: check.validatedAt,
      status: check.status,
      detail: check.detail,
      replayed: outcome.replayed,
    };
  }

  private async seal(userId: string, value: string, context: string): Promise<SealedField> {
    try {
      return await this.vault.seal(userId, value, context);
    } catch (error) {
      if (error instanceof SubjectErasedError) throw erasedConflict(userId);
      throw error;
    }
  }
}
