import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { DesiredPresentUser, HostCommand } from '../../../libs/domain/src/local-users/host-command';
import { loadOrCreateAgentKeys, type AgentKeys } from '../../../libs/infra/src/host-trust/agent-keys';
import {
  ed25519SigningKey,
  generatePrivateKeyPem,
} from '../../../libs/infra/src/host-trust/ed25519-key-source';
import { signHostCommand } from '../../../libs/infra/src/host-trust/host-command-signature';
import {
  verifyHostReport,
  type SignedHostReport,
} from '../../../libs/infra/src/host-trust/host-report-signature';
import { sealForHost } from '../../../libs/infra/src/host-trust/host-seal';
import { exportPublicKey } from '../../../libs/infra/src/host-trust/public-keys';
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
  const controlPlane = ed25519SigningKey(generatePrivateKeyPem('ed25519'), 'test control plane key');

  let dir: string;
  let root: string;
  let kafka: Kafka;
  let producer: Producer;
  let reports: Consumer;
  /** Made where the agent will find them, as an admin's `print-keys` run would. */
  let agentKeys: AgentKeys;
  const received: SignedHostReport[] = [];
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
        HOST_COMMAND_PUBLIC_KEYS: exportPublicKey(controlPlane.publicKey),
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
      passwordHash:
        password === null ? null : sealForHost(password, agentKeys.sealing.publicKey, { hostId, username }),
      locked: false,
      expiresOn: null,
      forcePasswordChange: false,
      sshKeys: [ed25519Key(`${username}@test`)],
    };
  }

  function command(username: string, revision: number, desired: DesiredPresentUser): HostCommand {
    const command = { commandId: randomUUID(), hostId, username, revision: String(revision), desired };
    return signHostCommand(command, controlPlane);
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'host-agent-kafka-'));
    root = join(dir, 'root');
    agentKeys = loadOrCreateAgentKeys(join(dir, 'data'), hostId);
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
        const report = JSON.parse(String(message.value)) as SignedHostReport;
        // Every report is signed with the agent's own key, over exactly what it says.
        expect(verifyHostReport(report, [agentKeys.signing.publicKey])).not.toBeNull();
        received.push(report);
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
      // One usermod adds the group after the create, one changes the shell: fields run one at a time.
      expect(ran.filter((line) => line.tool === 'usermod').length).toBeLessThanOrEqual(2);
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
