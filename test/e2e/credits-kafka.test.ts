import { createKafkaClient } from '@ops/infra/kafka/kafka-client';
import type { Consumer, KafkaMessage } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { describeWithKafka, kafkaEnv } from '../support/kafka';
import { kafkaTestSecurity } from '../support/kafka-security';

const silent = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};

describeWithKafka('credits end to end through a real Kafka broker', (brokers) => {
  const topic = `ops-center.credits.${randomUUID()}`;
  let t: TestApp;
  let consumer: Consumer;
  const received: KafkaMessage[] = [];

  beforeAll(async () => {
    t = await startTestApp({ ...kafkaEnv(), KAFKA_CREDITS_TOPIC: topic });
    consumer = createKafkaClient({
      brokers,
      clientId: 'e2e-consumer',
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

  it('publishes each granted credit once, keyed by its account, after the API accepted it', async () => {
    const admin = t.token('admin-1', 'admin');
    const grants = [
      { user_id: 'kafka-alice', amount_micros: '100', reason: 'first' },
      { user_id: 'kafka-bob', amount_micros: '200', reason: 'second' },
      { user_id: 'kafka-alice', amount_micros: '300', reason: 'third' },
    ];
    const eventIds: string[] = [];
    for (const body of grants) {
      const response = await request(t.app.getHttpServer())
        .post('/api/v1/llm/credits/grant')
        .set('Authorization', `Bearer ${admin}`)
        .send(body);
      expect(response.status).toBe(201);
      eventIds.push(response.body.event_id);
    }

    await eventually(async () => expect(received).toHaveLength(3), 30_000);
    const values = received.map((message) => JSON.parse(message.value!.toString()));
    expect(values.map((value) => value.id).sort()).toEqual([...eventIds].sort());
    const alice = received.filter((message) => message.key?.toString() === 'credit-account-kafka-alice');
    expect(alice.map((message) => JSON.parse(message.value!.toString()).data.reason)).toEqual([
      'first',
      'third',
    ]);
    expect(values[0]).toMatchObject({ type: 'CreditsGranted', actor: 'admin-1' });
    expect(received.every((message) => message.headers?.['event-id'] !== undefined)).toBe(true);
  });
});
