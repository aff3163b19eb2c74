import type { HostCommand, HostOutcome } from '@ops/domain/local-users/host-command';
import type { HostCommandHandler, HostCommandSource } from './host-transport';

/**
 * The single-node transport: the relay calls `deliver`, which resolves once the agent applied the
 * command and reported its outcome, so the relay's checkpoint never passes a command not yet applied.
 * Deliveries run one at a time, in the order they were made, as they would from a Kafka partition.
 */
export class InProcessHostChannel implements HostCommandSource {
  private handler: HostCommandHandler | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  async start(handler: HostCommandHandler): Promise<void> {
    this.handler = handler;
  }

  /** Waits for the delivery in progress, so stopping never cuts a command in half. */
  async stop(): Promise<void> {
    this.handler = null;
    await this.queue;
  }

  deliver(command: HostCommand): Promise<HostOutcome> {
    const delivery = this.queue.then(() => {
      if (!this.handler) throw new Error('the host agent is not running');
      return this.handler(command);
    });
    this.queue = delivery.catch(() => undefined);
    return delivery;
  }
}
