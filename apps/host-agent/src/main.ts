import 'reflect-metadata';
import { ConfigError, type AppConfig } from '@ops/infra/config/app-config';
import { loadDistributedConfig } from '@ops/infra/config/deployment-secrets';
import { agentPublicKeys, loadOrCreateAgentKeys } from '@ops/infra/host-trust/agent-keys';
import { hostCommandPublicKeys } from '@ops/infra/host-trust/host-command-signature';
import { createRootLogger } from '@ops/infra/http/logging/pino-options';
import { connectIdempotentProducer } from '@ops/infra/kafka/idempotent-producer';
import { createKafkaClient, parseBrokers } from '@ops/infra/kafka/kafka-client';
import { kafkaSecurity } from '@ops/infra/kafka/kafka-security';
import { ensureTopics } from '@ops/infra/kafka/topics';
import { buildHostAgent } from './build-host-agent';
import { KafkaHostCommandSource } from './transport/kafka-host-command-source';
import { KafkaHostReportSink } from './transport/kafka-host-report-sink';

const NAME = 'ops-center-host-agent';
/** -1 lets the brokers' own defaults decide partitions and replication, as a cluster's operators set them. */
const BROKER_DEFAULT = -1;

/** The distributed host agent: commands from Kafka, reports back to Kafka, until SIGTERM or SIGINT. */
async function run(config: AppConfig, brokers: string): Promise<number> {
  const hostId = config.HOST_ID;
  const logger = createRootLogger(config.LOG_LEVEL).child({ name: NAME, hostId });
  const agentKeys = loadOrCreateAgentKeys(config.DATA_DIR, hostId);
  // What an admin enrols with POST /api/v1/hosts (agent_public_keys); public, so fine in a log.
  logger.info({ agentPublicKeys: agentPublicKeys(agentKeys) }, 'host agent keys');

  const kafka = createKafkaClient({
    brokers: parseBrokers(brokers),
    clientId: `${config.KAFKA_CLIENT_ID}-host-agent-${hostId}`,
    security: kafkaSecurity(config),
    logger: {
      error: (context, message) => logger.error(context, message),
      warn: (context, message) => logger.warn(context, message),
      info: (context, message) => logger.info(context, message),
      debug: (context, message) => logger.debug(context, message),
    },
  });
  await ensureTopics(
    kafka,
    [config.KAFKA_HOST_COMMANDS_TOPIC, config.KAFKA_HOST_REPORTS_TOPIC].map((topic) => ({
      topic,
      numPartitions: BROKER_DEFAULT,
      replicationFactor: BROKER_DEFAULT,
    })),
  );
  const producer = await connectIdempotentProducer(kafka);

  let fail: (error: Error) => void = () => undefined;
  const failed = new Promise<Error>((resolve) => (fail = resolve));
  const { agent, root } = await buildHostAgent({
    config,
    source: new KafkaHostCommandSource({
      kafka,
      topic: config.KAFKA_HOST_COMMANDS_TOPIC,
      hostId,
      logger,
      onFatal: (error) => fail(error),
    }),
    sink: new KafkaHostReportSink(producer, config.KAFKA_HOST_REPORTS_TOPIC, hostId),
    trustedKeys: hostCommandPublicKeys(config),
    agentKeys,
    logger,
  });

  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await agent.start();
  logger.info({ root, sudoGroup: config.HOST_AGENT_SUDO_GROUP }, 'host agent started');

  const reason = await Promise.race([signalled, failed]);
  logger.info({ reason: String(reason) }, 'host agent stopping');
  await agent.stop();
  await producer.disconnect();
  if (reason instanceof Error) return 1;
  return reason === 'SIGINT' ? 130 : 0;
}

function main(): void {
  let config: AppConfig;
  try {
    config = loadDistributedConfig();
  } catch (error) {
    console.error(`${NAME}: ${error instanceof ConfigError ? error.message : String(error)}`);
    process.exit(2);
  }
  // `print-keys`: the public keys to enrol this host with, as JSON, generated on first use.
  if (process.argv.includes('print-keys')) {
    const keys = agentPublicKeys(loadOrCreateAgentKeys(config.DATA_DIR, config.HOST_ID));
    process.stdout.write(`${JSON.stringify(keys)}\n`);
    process.exit(0);
  }
  if (!config.HOST_COMMAND_PUBLIC_KEYS) {
    console.error(
      `${NAME}: HOST_COMMAND_PUBLIC_KEYS is required: the agent applies only commands the control plane signed`,
    );
    process.exit(2);
  }
  const brokers = config.KAFKA_BROKERS;
  if (!brokers) {
    console.error(
      `${NAME}: KAFKA_BROKERS is required: this entry point takes host commands from Kafka (a single node runs the agent in-process)`,
    );
    process.exit(2);
  }
  run(config, brokers).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`${NAME}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exit(1);
    },
  );
}

main();
