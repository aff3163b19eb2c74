import type { Kafka } from 'kafkajs';
import { parseBrokers } from '../../libs/infra/src/kafka/kafka-client';
import { resolveBrokerClasspath } from '../../scripts/kafka/classpath';
import { findOnPath } from '../../scripts/kafka/executables';
import {
  startLocalBroker,
  type LocalBroker,
  type LocalBrokerTls,
  type SaslCredentials,
} from '../../scripts/kafka/local-broker';
import { freePort } from './free-port';

/** Set by the global setup when no broker could be had, so each Kafka suite can say why it skipped. */
const SKIP_REASON_VARIABLE = 'OPS_TEST_KAFKA_SKIP_REASON';

/**
 * The local broker's client credentials (JSON), for the suites. Not the product's KAFKA_SASL_*
 * names: a process the suites start gets Kafka settings only where a test passes kafkaEnv().
 */
const SASL_VARIABLE = 'OPS_TEST_KAFKA_SASL';

let broker: LocalBroker | undefined;

function seconds(millis: number): string {
  return `${(millis / 1000).toFixed(1)} s`;
}

async function twoFreePorts(): Promise<[number, number]> {
  const first = await freePort();
  for (;;) {
    const second = await freePort();
    if (second !== first) return [first, second];
  }
}

/** A port found free can be taken before the JVM binds it; that one failure is worth a second try. */
async function startOnFreePorts(java: string, classpath: string, tls?: LocalBrokerTls): Promise<LocalBroker> {
  for (let attempt = 1; ; attempt += 1) {
    const [brokerPort, controllerPort] = await twoFreePorts();
    try {
      return await startLocalBroker({ java, classpath, brokerPort, controllerPort, tls });
    } catch (error) {
      if (attempt >= 2 || !(error as Error).message.includes('Address already in use')) throw error;
    }
  }
}

/**
 * A broker of the suite's own with the local broker's SASL listener (SASL_SSL with client
 * certificates, given `tls`), for a suite that tests the listener itself.
 */
export async function startSaslBroker(tls?: LocalBrokerTls): Promise<LocalBroker> {
  const java = findOnPath('java');
  const mvn = findOnPath('mvn');
  if (!java || !mvn) throw new Error('a SASL broker needs java and mvn on PATH');
  return startOnFreePorts(java, (await resolveBrokerClasspath(mvn)).classpath, tls);
}

/** Under CI every suite must run, so a missing broker fails the run; elsewhere the Kafka suites skip. */
function unavailable(reason: string): void {
  if (process.env.CI === 'true') throw new Error(`Kafka is required when CI=true, but ${reason}`);
  process.env[SKIP_REASON_VARIABLE] = reason;
  const rule = '!'.repeat(100);
  console.warn(
    `\n${rule}\nKAFKA SUITES WILL BE SKIPPED: ${reason}\nSet KAFKA_BROKERS, or put java and mvn on PATH.\n${rule}\n`,
  );
}

/**
 * Gives the suites a Kafka broker: KAFKA_BROKERS as it is, or else a single-node KRaft broker started
 * from Maven Central's jars when `java` and `mvn` are on PATH. Sets KAFKA_BROKERS for the suites.
 */
export async function provisionKafka(): Promise<void> {
  if (process.env.KAFKA_BROKERS) {
    console.log(`Kafka: using KAFKA_BROKERS=${process.env.KAFKA_BROKERS}`);
    return;
  }
  const java = findOnPath('java');
  const mvn = findOnPath('mvn');
  if (!java || !mvn) {
    const missing = [java ? null : 'java', mvn ? null : 'mvn'].filter((name) => name !== null).join(' and ');
    unavailable(`KAFKA_BROKERS is not set and ${missing} cannot be found on PATH`);
    return;
  }
  try {
    const resolved = await resolveBrokerClasspath(mvn);
    const started = Date.now();
    broker = await startOnFreePorts(java, resolved.classpath);
    const source = resolved.cached ? 'cached classpath' : 'classpath resolved by Maven';
    console.log(
      `Kafka: local broker on ${broker.bootstrap} (SASL SCRAM-SHA-512), ready in ${seconds(Date.now() - started)} (${source} in ${seconds(resolved.millis)})`,
    );
    process.env.KAFKA_BROKERS = broker.bootstrap;
    process.env[SASL_VARIABLE] = JSON.stringify(broker.client);
  } catch (error) {
    unavailable(`no local broker could be started: ${(error as Error).message}`);
  }
}

/** Stops the broker that provisionKafka started, if any; a broker from KAFKA_BROKERS is left alone. */
export async function stopKafka(): Promise<void> {
  if (!broker) return;
  const stopping = broker;
  broker = undefined;
  delete process.env.KAFKA_BROKERS;
  delete process.env[SASL_VARIABLE];
  await stopping.stop();
}

/** The brokers the suites should use, or undefined when none could be provisioned. */
export function kafkaBrokers(): string[] | undefined {
  const list = process.env.KAFKA_BROKERS;
  return list ? parseBrokers(list) : undefined;
}

/**
 * The product's Kafka settings for the suites' broker, for an app or a child process: KAFKA_BROKERS,
 * plus the SASL client user of the local broker (a broker from KAFKA_BROKERS is used as it is).
 */
export function kafkaEnv(): Record<string, string> {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('no Kafka broker was provisioned');
  const sasl = process.env[SASL_VARIABLE];
  if (!sasl) return { KAFKA_BROKERS: brokers };
  const client = JSON.parse(sasl) as SaslCredentials;
  return {
    KAFKA_BROKERS: brokers,
    KAFKA_SASL_MECHANISM: client.mechanism,
    KAFKA_SASL_USERNAME: client.username,
    KAFKA_SASL_PASSWORD: client.password,
  };
}

/** `describe` with the brokers when there are some; otherwise `describe.skip`, saying why out loud. */
export function describeWithKafka(name: string, body: (brokers: readonly string[]) => void): void {
  const brokers = kafkaBrokers();
  if (brokers) {
    describe(name, () => body(brokers));
    return;
  }
  const reason = process.env[SKIP_REASON_VARIABLE] ?? 'KAFKA_BROKERS is not set';
  console.warn(`SKIPPED "${name}": ${reason}`);
  describe.skip(name, () => body([]));
}

/** Everything a topic holds, whoever reads it: the sum of the partitions' end offsets. */
export async function messagesOnTopic(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
  } finally {
    await admin.disconnect();
  }
}
