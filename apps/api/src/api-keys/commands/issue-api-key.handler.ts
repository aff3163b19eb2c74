import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { apiKeys } from '@ops/domain/api-keys';
import { generateApiKey } from '@ops/infra/auth';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import { CommandRunner } from '@ops/infra/event-sourcing/command-runner';
import { EVENT_STORE, type EventStore } from '@ops/infra/event-store/event-store';
import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import type { IssuedApiKeyView } from '../dto/api-key-views.dto';
import { IssueApiKeyCommand } from './issue-api-key.command';

/** Any constant UUID works; this one is only for key ids derived from idempotency keys. */
const KEY_ID_NAMESPACE = '0b6f3c52-8a41-4d7e-b1f5-3e2c9a7d6f10';

/** A retry with the same Idempotency-Key must name the same key, so its id comes from that key. */
function keyIdFor(context: CommandContext): string {
  return context.idempotencyKey
    ? uuidv5(`${context.actor}\n${context.idempotencyKey}`, KEY_ID_NAMESPACE)
    : randomUUID();
}

@CommandHandler(IssueApiKeyCommand)
export class IssueApiKeyHandler implements ICommandHandler<IssueApiKeyCommand, IssuedApiKeyView> {
  constructor(
    private readonly commands: CommandRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ userId, name, expiresAt, context }: IssueApiKeyCommand): Promise<IssuedApiKeyView> {
    const keyId = keyIdFor(context);
    const secret = generateApiKey();
    const issuedAt = new Date();
    const stream = apiKeys.stream(userId);
    const outcome = await this.commands.run({
      ...stream,
      command: {
        type: 'IssueApiKey',
        userId,
        keyId,
        name,
        prefix: secret.prefix,
        secretHash: secret.secretHash,
        expiresAt,
        issuedAt: issuedAt.toISOString(),
      },
      context,
      now: () => issuedAt,
    });
    const issued = outcome.state.keys.get(keyId);
    if (!issued) throw new Error(`key ${keyId} is missing from ${stream.streamName} after it was issued`);
    const createdAt = outcome.replayed
      ? await this.issuedAt(stream.streamName, outcome.eventIds[0])
      : issuedAt;
    return {
      id: keyId,
      name: issued.name,
      // The earlier attempt's key was shown then and is kept only as a hash: it cannot be shown again.
      key: outcome.replayed ? null : secret.key,
      prefix: issued.prefix,
      created_at: createdAt.toISOString(),
      expires_at: issued.expiresAt,
      replayed: outcome.replayed,
    };
  }

  private async issuedAt(streamName: string, eventId: string): Promise<Date> {
    const events = await this.store.readStream(streamName);
    const event = events.find((candidate) => candidate.id === eventId);
    if (!event) throw new Error(`event ${eventId} is missing from ${streamName}`);
    return new Date(event.metadata.occurredAt);
  }
}
