import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { loadConfig } from '../../../libs/infra/src/config/app-config';
import { createKafkaClient } from '../../../libs/infra/src/kafka/kafka-client';
import type { KafkaLogger } from '../../../libs/infra/src/kafka/kafka-logging';
import { kafkaSecurity } from '../../../libs/infra/src/kafka/kafka-security';
import { ensureTopics } from '../../../libs/infra/src/kafka/topics';
import type { LocalBroker } from '../../../scripts/kafka/local-broker';
import { describeWithKafka, kafkaEnv, messagesOnTopic, startSaslBroker } from '../../support/kafka';

const quiet: KafkaLogger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};

/** An attacker's own kafkajs client: no retries, so a refusal shows at once. */
function attacker(bootstrap: string, sasl?: SASLOptions): Kafka {
  return new Kafka({
    brokers: [bootstrap],
    clientId: 'attacker',
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
    ...(sasl ? { sasl } : {}),
  });
}

/**
 * Issue 10: anyone who could publish to the host-commands topic had root on every managed server.
 * The brokers now take only authenticated clients; this suite tries without credentials and with
 * a wrong password, on the listener the product and the other suites use.
 */
describeWithKafka('the SASL listener guarding the host-commands topic', () => {
  const topic = `test.host-commands.sasl-${randomUUID().slice(0, 8)}`;
  const forged = JSON.stringify({ commandId: randomUUID(), hostId: 'edge-1', username: 'mallory' });
  let own: LocalBroker | undefined;
  let env: Record<string, string>;
  let kafka: Kafka;

  beforeAll(async () => {
    env = kafkaEnv();
    if (!env.KAFKA_SASL_MECHANISM) {
      own = await startSaslBroker();
      env = {
        KAFKA_BROKERS: own.bootstrap,
        KAFKA_SASL_MECHANISM: own.client.mechanism,
        KAFKA_SASL_USERNAME: own.client.username,
        KAFKA_SASL_PASSWORD: own.client.password,
      };
    }
    // The product's own path: settings validated by loadConfig, turned into kafkajs options.
    kafka = createKafkaClient({
      brokers: [env.KAFKA_BROKERS],
      clientId: 'sasl-test',
      logger: quiet,
      security: kafkaSecurity(loadConfig(env)),
    });
    await ensureTopics(kafka, [{ topic, numPartitions: 1, replicationFactor: 1 }]);
  }, 120_000);

  afterAll(async () => {
    await own?.stop();
  });

  async function tryToForge(client: Kafka): Promise<unknown> {
    const producer = client.producer();
    try {
      await producer.connect();
      await producer.send({ topic, acks: -1, messages: [{ key: 'edge-1', value: forged }] });
      return undefined;
    } catch (error) {
      return error;
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  }

  it('lets the configured client authenticate and publish a command', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: 'edge-1', value: '{}' }] });
    await producer.disconnect();
    expect(await messagesOnTopic(kafka, topic)).toBe(1);
  });

  it('refuses a client without credentials: nothing reaches the commands topic', async () => {
    const before = await messagesOnTopic(kafka, topic);
    expect(await tryToForge(attacker(env.KAFKA_BROKERS))).toBeInstanceOf(Error);
    expect(await messagesOnTopic(kafka, topic)).toBe(before);
  });

  it('refuses the right user with a wrong password', async () => {
    const before = await messagesOnTopic(kafka, topic);
    const error = await tryToForge(
      attacker(env.KAFKA_BROKERS, {
        mechanism: 'scram-sha-512',
        username: env.KAFKA_SASL_USERNAME,
        password: `${env.KAFKA_SASL_PASSWORD}-guess`,
      }),
    );
    expect(error).toMatchObject({ name: 'KafkaJSSASLAuthenticationError' });
    expect(await messagesOnTopic(kafka, topic)).toBe(before);
  });
});
