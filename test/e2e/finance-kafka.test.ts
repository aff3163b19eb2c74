import { llmRequestStream } from '@ops/domain';
import { EVENT_STORE, type EventStore } from '@ops/infra/event-store/event-store';
import { createKafkaClient } from '@ops/infra/kafka/kafka-client';
import type { Consumer, KafkaMessage } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { appendCompleted } from '../integration/lago/lago-fixtures';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { describeWithKafka, kafkaEnv } from '../support/kafka';
import { kafkaTestSecurity } from '../support/kafka-security';

const silent = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};

describeWithKafka('usage integration messages on a real Kafka broker', (brokers) => {
  const topic = `ops-center.usage.${randomUUID()}`;
  let t: TestApp;
  let consumer: Consumer;
  const received: KafkaMessage[] = [];

  beforeAll(async () => {
    t = await startTestApp({ ...kafkaEnv(), KAFKA_USAGE_TOPIC: topic });
    consumer = createKafkaClient({
      brokers,
      clientId: 'e2e-usage',
      logger: silent,
      security: kafkaTestSecurity(),
    }).consumer({
      groupId: `e2e-${randomUUID()}`,
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message) });
  });
  afterAll(async () => {
    await consumer?.disconnect();
    await t?.close();
  });

  it('publishes each completed and failed request once, keyed by its request stream', async () => {
    const store = t.app.get<EventStore>(EVENT_STORE);
    await appendCompleted(store, { requestId: 'k-1', userId: 'ann', costMicros: '900' });
    await store.append(
      llmRequestStream('k-2'),
      [
        {
          id: randomUUID(),
          type: 'RequestFailed',
          schemaVersion: 1,
          data: {
            requestId: 'k-2',
            userId: 'ann',
            tier: 'free',
            error: {
              type: 'upstream_error',
              code: 'all_providers_failed',
              status: 502,
              message: 'no provider answered',
            },
            latencyMs: 10,
            attempts: [],
          },
          metadata: {
            actor: 'ann',
            correlationId: randomUUID(),
            causationId: null,
            occurredAt: new Date().toISOString(),
            source: 'gateway',
          },
        },
      ],
      'no_stream',
    );

    await eventually(async () => expect(received).toHaveLength(2), 30_000);
    const byKey = Object.fromEntries(
      received.map((message) => [message.key!.toString(), JSON.parse(message.value!.toString())]),
    );
    expect(byKey['llm-request-k-1']).toMatchObject({
      type: 'RequestCompleted',
      stream: 'llm-request-k-1',
      data: { requestId: 'k-1', userId: 'ann', costMicros: '900' },
    });
    expect(byKey['llm-request-k-2']).toMatchObject({ type: 'RequestFailed', data: { requestId: 'k-2' } });
    expect(received.map((message) => message.headers?.['event-type']?.toString()).sort()).toEqual([
      'RequestCompleted',
      'RequestFailed',
    ]);
  });
});
