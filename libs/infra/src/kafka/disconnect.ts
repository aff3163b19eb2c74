export interface Disconnectable {
  disconnect(): Promise<void>;
}

/**
 * Disconnects every client even when one of them fails, so a shutdown never leaves sockets (and the
 * process) hanging; the first failure is rethrown once all have been tried.
 */
export async function disconnectAll(clients: readonly Disconnectable[]): Promise<void> {
  const results = await Promise.allSettled(clients.map((client) => client.disconnect()));
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) throw failure.reason;
}
