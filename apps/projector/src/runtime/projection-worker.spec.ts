import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { LogReader } from './log-reader';
import { ProjectionWorker } from './projection-worker';

describe('ProjectionWorker', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('stops when told to while it reads its checkpoint, instead of following the log for ever', async () => {
    let answerCheckpoint!: (rows: { position: string }[]) => void;
    let checkpointAsked!: () => void;
    const asked = new Promise<void>((resolve) => (checkpointAsked = resolve));
    const db = {
      createQueryRunner: () => ({
        connect: async () => undefined,
        query: async () => [{ locked: true }],
        release: async () => undefined,
      }),
      query: () => {
        checkpointAsked();
        return new Promise((resolve) => (answerCheckpoint = resolve));
      },
    } as unknown as DataSource;
    // As the real reader: `leave` ends only a follow it knows of; one that starts later runs on.
    const following = new Set<() => void>();
    const reader = {
      follow: () => new Promise<void>((resolve) => following.add(resolve)),
      leave: async () => following.forEach((resolve) => resolve()),
    } as unknown as LogReader;
    const projection = { name: 'p', filter: {}, apply: async () => undefined, reset: async () => undefined };
    const worker = new ProjectionWorker(projection as never, reader, db, {
      retryDelayMs: 10,
      standbyRetryMs: 10,
    } as never);

    worker.start();
    await asked;
    const stopped = worker.stop().then(() => 'stopped');
    answerCheckpoint([{ position: '' }]);
    const hung = new Promise((resolve) => setTimeout(() => resolve('hung'), 1_000).unref());
    expect(await Promise.race([stopped, hung])).toBe('stopped');
  });
});
