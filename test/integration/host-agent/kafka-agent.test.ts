import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { HostReportMessage } from '../../../apps/host-agent/src/transport/host-messages';
import type { DesiredPresentUser, HostCommand } from '../../../libs/domain/src/local-users/host-command';
import { localUserStream } from '../../../libs/domain/src/local-users/local-user.stream';
import { SecretBox } from '../../../libs/infra/src/crypto/secret-box';
import { connectIdempotentProducer } from '../../../libs/infra/src/kafka/idempotent-producer';
import { createKafkaClient } from '../../../libs/infra/src/kafka/kafka-client';
import type { KafkaLogger } from '../../../libs/infra/src/kafka/kafka-logging';
import { ensureTopics } from '../../../libs/infra/src/kafka/topics';
import { spawnHostAgent } from '../../support/host-agent-process';
import { describeWithKafka, kafkaEnv } from '../../support/kafka';
import { kafkaTestSecurity } from '../../support/kafka-security';
import { cryptHash, ed25519Key, etcLine } from './sandbox-fixtures';

const WAIT_MS = 60_000;
const BURST_USERS = 10;

const quiet: KafkaLogger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};

interface AgentProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  /** This process's log lines; `logs` holds every process's. */
  logs: LogLine[];
}

interface LogLine {
  msg: string;
  tool?: string;
  username?: string;
  commandId?: string;
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeWithKafka('host agent process over Kafka', (brokers) => {
  const run = randomUUID().slice(0, 8);
  const hostId = `kafka-host-${run}`;
  const commandsTopic = `test.host-commands.${run}`;
  const reportsTopic = `test.host-reports.${run}`;
  const keyRing = `test:${randomBytes(32).toString('base64')}`;
  const box = new SecretBox([{ id: 'test', key: Buffer.from(keyRing.slice(5), 'base64') }]);

  let dir: string;
  let root: string;
  let kafka: Kafka;
  let producer: Producer;
  let reports: Consumer;
  const received: HostReportMessage[] = [];
  const logs: LogLine[] = [];
  let agent: AgentProcess | undefined;

  function startAgent(): AgentProcess {
    const own: LogLine[] = [];
    const child = spawnHostAgent(
      {
        ...kafkaEnv(),
        HOST_ID: hostId,
        HOST_AGENT_ROOT: root,
        DATA_DIR: join(dir, 'data'),
        SECRETS_KEYS: keyRing,
        KAFKA_HOST_COMMANDS_TOPIC: commandsTopic,
        KAFKA_HOST_REPORTS_TOPIC: reportsTopic,
        LOG_LEVEL: 'info',
      },
      (text) => {
        if (!text.startsWith('{')) return process.stderr.write(`${text}\n`);
        const line = JSON.parse(text) as LogLine;
        logs.push(line);
        own.push(line);
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, exited, logs: own };
  }

  async function stopAgent(signal: NodeJS.Signals): Promise<number | null> {
    const stopping = agent;
    agent = undefined;
    if (!stopping) return null;
    stopping.child.kill(signal);
    return stopping.exited;
  }

  async function send(commands: HostCommand[], key = hostId): Promise<void> {
    await producer.send({
      topic: commandsTopic,
      acks: -1,
      messages: commands.map((command) => ({ key, value: JSON.stringify(command) })),
    });
  }

  const outcomesOf = (commandId: string) =>
    received.filter((report) => report.kind === 'outcome' && report.commandId === commandId);

  function desiredUser(shell: string, password: string | null, username: string): DesiredPresentUser {
    return {
      present: true,
      shell,
      fullName: username,
      groups: ['users'],
      sudo: false,
      passwordHash: password === null ? null : box.seal(password, localUserStream(hostId, username)),
      locked: false,
      expiresOn: null,
      forcePasswordChange: false,
      sshKeys: [ed25519Key(`${username}@test`)],
    };
  }

  function command(username: string, revision: number, desired: DesiredPresentUser): HostCommand {
    return { commandId: randomUUID(), hostId, username, revision: String(revision), desired };
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'host-agent-kafka-'));
    root = join(dir, 'root');
    kafka = createKafkaClient({
      brokers,
      clientId: `host-agent-test-${run}`,
      logger: quiet,
      security: kafkaTestSecurity(),
    });
    await ensureTopics(kafka, [
      { topic: commandsTopic, numPartitions: 3, replicationFactor: 1 },
      { topic: reportsTopic, numPartitions: 3, replicationFactor: 1 },
    ]);
    producer = await connectIdempotentProducer(kafka);
    reports = kafka.consumer({ groupId: `host-reports-test-${run}` });
    await reports.connect();
    await reports.subscribe({ topic: reportsTopic, fromBeginning: true });
    await reports.run({
      eachMessage: async ({ message }) => {
        expect(message.key?.toString()).toBe(hostId);
        received.push(JSON.parse(String(message.value)) as HostReportMessage);
      },
    });
  });

  afterAll(async () => {
    await stopAgent('SIGTERM');
    await reports?.disconnect();
    await producer?.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  it('prepares its sandbox, reports an inventory and applies a command from the topic', async () => {
    agent = startAgent();
    const inventory = await waitFor('an inventory', () =>
      received.find((report) => report.kind === 'inventory'),
    );
    expect(inventory).toMatchObject({ kind: 'inventory', hostId });

    const hash = await cryptHash('S3cure-Passw0rd!');
    const create = command('alice', 0, desiredUser('/bin/bash', hash, 'alice'));
    await send([create]);
    const [outcome] = await waitFor('the outcome', () => {
      const found = outcomesOf(create.commandId);
      return found.length > 0 ? found : undefined;
    });
    expect(outcome).toMatchObject({ kind: 'outcome', status: 'applied', username: 'alice', revision: '0' });
    expect(await etcLine(root, 'passwd', 'alice')).toBe('alice:x:1000:1000:alice:/home/alice:/bin/bash');
    expect((await etcLine(root, 'shadow', 'alice'))?.split(':')[1]).toBe(hash);
    expect(await readFile(join(root, 'home/alice/.ssh/authorized_keys'), 'utf8')).toBe(
      `${create.desired.present && create.desired.sshKeys[0].line}\n`,
    );
  }, 120_000);

  it('loses no command and applies none twice when killed in the middle of a burst', async () => {
    const hash = await cryptHash('An0ther-Passw0rd!');
    const burst: HostCommand[] = [];
    const final = new Map<string, DesiredPresentUser>();
    for (let index = 0; index < BURST_USERS; index += 1) {
      const username = `user${index}`;
      const last = desiredUser('/bin/sh', hash, username);
      burst.push(command(username, 0, desiredUser('/bin/bash', null, username)), command(username, 1, last));
      final.set(username, last);
    }
    // Another host's command on the same topic: this agent must leave it alone.
    await send([command('mallory', 0, desiredUser('/bin/bash', null, 'mallory'))], 'another-host');
    await send(burst);

    await waitFor('a first outcome of the burst', () =>
      burst.some((sent) => outcomesOf(sent.commandId).length > 0) ? true : undefined,
    );
    await stopAgent('SIGKILL');
    const restarted = startAgent();
    agent = restarted;

    for (const sent of burst) {
      const [outcome] = await waitFor(`the outcome of ${sent.username}@${sent.revision}`, () => {
        const found = outcomesOf(sent.commandId);
        return found.length > 0 ? found : undefined;
      });
      expect(outcome).toMatchObject({ status: 'applied' });
    }

    for (const [username, desired] of final) {
      expect((await etcLine(root, 'passwd', username))?.split(':')[6]).toBe('/bin/sh');
      expect((await etcLine(root, 'shadow', username))?.split(':')[1]).toBe(hash);
      expect(await readFile(join(root, 'home', username, '.ssh', 'authorized_keys'), 'utf8')).toBe(
        `${desired.sshKeys[0].line}\n`,
      );
      // Each account was created once, whichever process did it, and each command applied at most once.
      const ran = logs.filter((line) => line.msg === 'shadow tool ran' && line.username === username);
      expect(ran.filter((line) => line.tool === 'useradd').length).toBeLessThanOrEqual(1);
      expect(ran.filter((line) => line.tool === 'usermod').length).toBeLessThanOrEqual(1);
    }
    for (const sent of burst) {
      const applied = logs.filter(
        (line) => line.msg === 'host command applied' && line.commandId === sent.commandId,
      );
      expect(applied.length).toBeLessThanOrEqual(1);
    }
    expect(await etcLine(root, 'passwd', 'mallory')).toBeUndefined();
    // The kill came while commands were still waiting: the restarted agent is the one that took them.
    expect(restarted.logs.some((line) => line.msg === 'host command applied')).toBe(true);

    const recorded = JSON.parse(
      await readFile(join(dir, 'data', 'host-agent', hostId, 'applied.json'), 'utf8'),
    ) as Record<string, string>;
    expect(recorded).toStrictEqual({
      alice: '0',
      ...Object.fromEntries([...final.keys()].map((username) => [username, '1'])),
    });
  }, 180_000);

  it('stops cleanly on SIGTERM', async () => {
    expect(await stopAgent('SIGTERM')).toBe(0);
  }, 60_000);
});
