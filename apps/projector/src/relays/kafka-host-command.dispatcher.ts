import type { HostCommand } from '@ops/domain';
import type { HostCommandDispatcher } from '@ops/infra/host-commands/host-command-dispatcher';
import { publishAcknowledged } from '@ops/infra/kafka/idempotent-producer';
import type { Producer } from 'kafkajs';

/**
 * Publishes host commands keyed by host id, so each agent reads its own commands in order from one
 * partition. Each command is signed and carries its password hash sealed to its target host only.
 */
export class KafkaHostCommandDispatcher implements HostCommandDispatcher {
  constructor(
    private readonly producer: Pick<Producer, 'send'>,
    private readonly topic: string,
  ) {}

  async dispatch(commands: readonly HostCommand[]): Promise<void> {
    await publishAcknowledged(
      this.producer,
      this.topic,
      commands.map((command) => ({
        key: command.hostId,
        value: JSON.stringify(command),
        headers: { 'command-id': command.commandId },
      })),
    );
  }
}
