import type { HostCommand } from '@ops/domain';

/**
 * Hands host commands to the agents. Resolves once they are safely on their way (acknowledged by
 * Kafka, or applied by the in-process agent), so the relay may then advance its checkpoint.
 */
export interface HostCommandDispatcher {
  dispatch(commands: readonly HostCommand[]): Promise<void>;
}

export const HOST_COMMAND_DISPATCHER = Symbol('HOST_COMMAND_DISPATCHER');
