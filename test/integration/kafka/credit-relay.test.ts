import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { CreditEventsRelay } from '../../../apps/projector/src/relays/credit-events.relay';
import { toIntegrationMessage } from '../../../apps/projector/src/relays/integration-message';
import type { RecordedEvent } from '../../../libs/infra/src/event-store/event-store';
import { disconnectAll, type Disconnectable } from '../../../libs/infra/src/kafka/disconnect';
import { connectIdempotentProducer } from '../../../libs/infra/src/kafka/idempotent-producer';
import { createKafkaClient } from '../../../libs/infra/src/kafka/kafka-client';
import type { KafkaLogger } from '../../../libs/infra/src/kafka/kafka-logging';
import { ensureTopics } from '../../../libs/infra/src/kafka/topics';
import type { Projection } from '../../../libs/infra/src/projections/projection';
import { describeWithKafka, messagesOnTopic } from '../../support/kafka';
import { kafkaTestSecurity } from '../../support/kafka-security';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';

const PARTITIONS = 3;
const CONSUME_TIMEOUT_MS = 30_000;

/** kafkajs reports retried, harmless broker answers (a coordinator still loading) at ERROR. */
const quiet: KafkaLogger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};

interface Consumed {
  partition: number;
  message: KafkaMessage;
}

/** Header of the record batch a message came in; kafkajs keeps it on each message, outside its typings. */
interface BatchContext {
  producerId: string;
  producerEpoch: number;
  firstSequence: number;
}

function batchContextOf(message: KafkaMessage): BatchContext {
  const context = 'batchContext' in message ? message.batchContext : undefined;
  if (
    typeof context === 'object' &&
    context !== null &&
    'producerId' in context &&
    'producerEpoch' in context &&
    'firstSequence' in context
  ) {
    return {
      producerId: String(context.producerId),
      producerEpoch: Number(context.producerEpoch),
      firstSequence: Number(context.firstSequence),
    };
  }
  throw new Error('kafkajs no longer exposes the record batch header on messages');
}

let position = 0;

function creditGranted(userId: string, revision: bigint): RecordedEvent {
  position += 1;
  return {
    id: randomUUID(),
    type: 'CreditsGranted',
    schemaVersion: 1,
    data: { userId, amountMicros: String(1_000_000n * (revision + 1n)), reason: `grant ${revision}` },
    metadata: {
      actor: 'admin-1',
      correlationId: randomUUID(),
      causationId: randomUUID(),
      occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, position)).toISOString(),
      source: 'api',
    },
    streamName: `credit-account-${userId}`,
    revision,
    position: String(position).padStart(20, '0'),
    recordedAt: new Date(),
  };
}

function header(message: KafkaMessage, name: string): string | undefined {
  return message.headers?.[name]?.toString();
}

describeWithKafka('credit events relay on a real Kafka broker', (brokers) => {
  const clients: Disconnectable[] = [];
  let kafka: Kafka;
  let producer: Producer;
  let database: TestDatabase | undefined;
  let dataSource: DataSource | undefined;

  /** Typed as the runtime sees it, so `apply` is called with the transaction as the runtime does. */
  function relayTo(topic: string): Projection {
    return new CreditEventsRelay(producer, topic);
  }

  async function newTopic(): Promise<string> {
    const topic = `ops-center.credits.test-${randomUUID()}`;
    await ensureTopics(kafka, [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }]);
    return topic;
  }

  /** Runs a batch the way the projector runtime does: inside the transaction that holds the checkpoint. */
  async function applyInTransaction(relay: Projection, events: readonly RecordedEvent[]): Promise<void> {
    if (!dataSource) throw new Error('the test database is not open');
    await dataSource.transaction((tx) => relay.apply(events, tx));
  }

  async function consume(topic: string, count: number): Promise<Consumed[]> {
    const consumer = kafka.consumer({ groupId: `credit-relay-test-${randomUUID()}` });
    clients.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: Consumed[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`received ${received.length} of ${count} messages`)),
        CONSUME_TIMEOUT_MS,
      );
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            received.push({ partition, message });
            if (received.length === count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();
    return received;
  }

  beforeAll(async () => {
    kafka = createKafkaClient({
      brokers,
      clientId: 'credit-relay-test',
      logger: quiet,
      security: kafkaTestSecurity(),
    });
    producer = await connectIdempotentProducer(kafka);
    clients.push(producer);
    database = await createTestDatabase();
    dataSource = await new DataSource({ type: 'postgres', url: database.url }).initialize();
  });

  afterAll(async () => {
    await disconnectAll(clients);
    await dataSource?.destroy();
    await database?.drop();
  });

  it('publishes each event once, keyed by stream, in stream order, with its id as a header', async () => {
    const topic = await newTopic();
    const relay = relayTo(topic);
    const alice = [0n, 1n, 2n, 3n].map((revision) => creditGranted('alice', revision));
    const bob = [0n, 1n].map((revision) => creditGranted('bob', revision));
    const carol = [0n, 1n, 2n].map((revision) => creditGranted('carol', revision));
    // Two batches in global order, the streams interleaved as concurrent writers would leave them.
    const firstBatch = [alice[0], bob[0], alice[1], carol[0], carol[1], alice[2], bob[1]];
    const secondBatch = [carol[2], alice[3]];
    await applyInTransaction(relay, firstBatch);
    await applyInTransaction(relay, secondBatch);
    const events = [...firstBatch, ...secondBatch];

    const received = await consume(topic, events.length);
    expect(await messagesOnTopic(kafka, topic)).toBe(events.length);

    const byId = new Map(events.map((event) => [event.id, event]));
    for (const { message } of received) {
      const event = byId.get(header(message, 'event-id') ?? '');
      if (!event) throw new Error(`unexpected message ${message.value?.toString()}`);
      expect(message.key?.toString()).toBe(event.streamName);
      expect(header(message, 'event-type')).toBe('CreditsGranted');
      expect(JSON.parse(message.value?.toString() ?? 'null')).toStrictEqual(toIntegrationMessage(event));
    }

    for (const stream of [alice, bob, carol]) {
      const key = stream[0].streamName;
      const ofStream = received.filter(({ message }) => message.key?.toString() === key);
      expect(new Set(ofStream.map(({ partition }) => partition)).size).toBe(1);
      expect(ofStream.map(({ message }) => header(message, 'event-id'))).toStrictEqual(
        stream.map((event) => event.id),
      );
    }
  });

  it('writes through an idempotent producer: every batch carries a producer id and sequence numbers', async () => {
    const topic = await newTopic();
    const relay = relayTo(topic);
    const events = [0n, 1n, 2n].flatMap((revision) =>
      ['dave', 'erin'].map((user) => creditGranted(user, revision)),
    );
    await applyInTransaction(relay, events);

    const received = await consume(topic, events.length);
    const contexts = received.map(({ message }) => batchContextOf(message));
    // A producer without idempotence writes -1 here, and the broker then cannot drop a retried batch.
    expect(contexts.every((context) => BigInt(context.producerId) >= 0n)).toBe(true);
    expect(contexts.every((context) => context.producerEpoch >= 0 && context.firstSequence >= 0)).toBe(true);
    expect(new Set(contexts.map((context) => context.producerId)).size).toBe(1);
  });

  it('republishes a batch whose checkpoint was lost, identically, so consumers can dedupe by event id', async () => {
    const topic = await newTopic();
    const relay = relayTo(topic);
    const events = [creditGranted('frank', 0n), creditGranted('grace', 0n), creditGranted('frank', 1n)];
    await applyInTransaction(relay, events);
    // A crash after the broker's acknowledgement but before the checkpoint commit: the runtime replays.
    await applyInTransaction(relay, events);

    const received = await consume(topic, events.length * 2);
    const copies = new Map<string, string[]>();
    for (const { message } of received) {
      const id = header(message, 'event-id') ?? '';
      copies.set(id, [...(copies.get(id) ?? []), message.value?.toString() ?? '']);
    }
    expect([...copies.keys()].sort()).toStrictEqual(events.map((event) => event.id).sort());
    for (const values of copies.values()) {
      expect(values).toHaveLength(2);
      expect(values[1]).toBe(values[0]);
    }
  });
});
