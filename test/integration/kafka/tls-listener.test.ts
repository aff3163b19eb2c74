import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Kafka } from 'kafkajs';
import { loadConfig } from '../../../libs/infra/src/config/app-config';
import { createKafkaClient } from '../../../libs/infra/src/kafka/kafka-client';
import type { KafkaLogger } from '../../../libs/infra/src/kafka/kafka-logging';
import { kafkaSecurity } from '../../../libs/infra/src/kafka/kafka-security';
import type { LocalBroker } from '../../../scripts/kafka/local-broker';
import { describeWithKafka, messagesOnTopic, startSaslBroker } from '../../support/kafka';

const execFileAsync = promisify(execFile);

const quiet: KafkaLogger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};

/** A throw-away CA, a broker certificate for 127.0.0.1 and a client certificate, with openssl (argv only). */
async function issueCertificates(dir: string): Promise<void> {
  const openssl = (...args: string[]) => execFileAsync('openssl', args, { cwd: dir });
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await openssl(
    'req',
    '-x509',
    ...key,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '1',
    '-subj',
    '/CN=ops-test-ca',
  );
  await writeFile(join(dir, 'broker.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const name of ['broker', 'client']) {
    await openssl(
      'req',
      ...key,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=ops-test-${name}`,
    );
    await openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '1',
      ...(name === 'broker' ? ['-extfile', 'broker.ext'] : []),
    );
  }
  const [brokerKey, brokerCert] = await Promise.all(
    ['broker.key', 'broker.pem'].map((file) => readFile(join(dir, file))),
  );
  await writeFile(join(dir, 'broker-keystore.pem'), Buffer.concat([brokerKey, brokerCert]));
}

/**
 * KAFKA_TLS with a CA file and a client certificate (mutual TLS) plus SCRAM, read from files by the
 * product's own settings, against a broker that requires all of them.
 */
describeWithKafka('Kafka over mutual TLS and SASL from the product settings', () => {
  const topic = `test.host-commands.tls-${randomUUID().slice(0, 8)}`;
  let dir: string;
  let broker: LocalBroker;
  let env: Record<string, string>;

  function client(overrides: Record<string, string | undefined>): Kafka {
    const settings = Object.fromEntries(
      Object.entries({ ...env, ...overrides }).filter(
        (entry): entry is [string, string] => entry[1] !== undefined,
      ),
    );
    return createKafkaClient({
      brokers: [broker.bootstrap],
      clientId: 'tls-test',
      logger: quiet,
      security: kafkaSecurity(loadConfig(settings)),
    });
  }

  async function publish(kafka: Kafka): Promise<void> {
    const producer = kafka.producer({ retry: { retries: 0 } });
    try {
      await producer.connect();
      await producer.send({ topic, acks: -1, messages: [{ key: 'edge-1', value: '{}' }] });
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ops-kafka-tls-'));
    await issueCertificates(dir);
    const file = (name: string) => join(dir, name);
    const [ca, cert, key] = await Promise.all(
      ['ca.pem', 'client.pem', 'client.key'].map((name) => readFile(file(name))),
    );
    broker = await startSaslBroker({
      keystoreFile: file('broker-keystore.pem'),
      truststoreFile: file('ca.pem'),
      client: { ca: [ca], cert, key },
    });
    env = {
      KAFKA_BROKERS: broker.bootstrap,
      KAFKA_TLS: 'true',
      KAFKA_TLS_CA_FILE: file('ca.pem'),
      KAFKA_TLS_CERT_FILE: file('client.pem'),
      KAFKA_TLS_KEY_FILE: file('client.key'),
      KAFKA_SASL_MECHANISM: broker.client.mechanism,
      KAFKA_SASL_USERNAME: broker.client.username,
      KAFKA_SASL_PASSWORD: broker.client.password,
    };
    const admin = client({}).admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    await admin.disconnect();
  }, 180_000);

  afterAll(async () => {
    await broker?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('publishes with the CA, the client certificate and SCRAM credentials given as settings', async () => {
    await publish(client({}));
    expect(await messagesOnTopic(client({}), topic)).toBe(1);
  });

  it('does not trust the broker without KAFKA_TLS_CA_FILE (its CA is not a system CA)', async () => {
    await expect(publish(client({ KAFKA_TLS_CA_FILE: undefined }))).rejects.toThrow(/certificate/);
  });

  it('is refused by the broker without the client certificate', async () => {
    const before = await messagesOnTopic(client({}), topic);
    await expect(
      publish(client({ KAFKA_TLS_CERT_FILE: undefined, KAFKA_TLS_KEY_FILE: undefined })),
    ).rejects.toThrow();
    expect(await messagesOnTopic(client({}), topic)).toBe(before);
  });
});
