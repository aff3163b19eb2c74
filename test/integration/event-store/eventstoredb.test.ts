import { EventStoreDbEventStore } from '@ops/infra/event-store/eventstoredb';
import { describeEventStoreConformance } from './conformance';

const url = process.env.ESDB_URL;

if (url) {
  describeEventStoreConformance('EventStoreDB', async () => {
    const store = new EventStoreDbEventStore(url);
    return { store, chainsHashes: true, close: () => store.close() };
  });
} else {
  // The one suite allowed to skip, also with CI=true: no EventStoreDB can run on this machine.
  console.warn(
    [
      '',
      '!!! SKIPPED: EventStoreDB event store conformance suite !!!',
      '    ESDB_URL is not set, testcontainers is not installed and no Docker engine is reachable,',
      '    so there is no EventStoreDB server to run against.',
      '    Run it with ESDB_URL=esdb://localhost:2113?tls=false (e.g. `docker compose up eventstore`).',
      '',
    ].join('\n'),
  );
  describe.skip('EventStoreDB event store conformance (no server: set ESDB_URL)', () => {
    it('runs the shared conformance suite against EventStoreDB', () => undefined);
  });
}
