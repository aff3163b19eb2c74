import { EventStoreDbEventStore } from '@ops/infra/event-store/eventstoredb';
import { EsdbFake } from '../../support/esdb-fake/server';
import { describeEventStoreConformance } from './conformance';

const url = process.env.ESDB_URL;

if (url) {
  describeEventStoreConformance('EventStoreDB', async () => {
    const store = new EventStoreDbEventStore(url);
    return { store, chainsHashes: true, close: () => store.close() };
  });
}

describeEventStoreConformance('EventStoreDB (fake gRPC server)', async () => {
  const fake = await EsdbFake.start();
  const store = new EventStoreDbEventStore(fake.connectionString);
  return {
    store,
    chainsHashes: true,
    close: async () => {
      await store.close();
      await fake.stop();
    },
  };
});
