import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { spawnHostAgent } from '../support/host-agent-process';
import { describeWithKafka, kafkaEnv } from '../support/kafka';
import { kafkaTestSecurity } from '../support/kafka-security';
import { localUserStream } from '@ops/domain';
import { createKafkaClient } from '@ops/infra/kafka/kafka-client';
import { agentPublicKeys, loadOrCreateAgentKeys, type AgentKeys } from '@ops/infra/host-trust/agent-keys';
import { ed25519SigningKey, generatePrivateKeyPem } from '@ops/infra/host-trust/ed25519-key-source';
import { signHostReport } from '@ops/infra/host-trust/host-report-signature';
import { exportPublicKey } from '@ops/infra/host-trust/public-keys';

const quiet = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};
import { etcLine, pwckReadOnly } from '../integration/host-agent/sandbox-fixtures';

/**
 * The distributed path: API and projector in one app with HOST_COMMAND_TRANSPORT=kafka, the agent of
 * host `edge-1` as a separate process; commands and reports cross a real broker.
 */
describeWithKafka('local users through Kafka with the agent as a separate process', (brokers) => {
  const suffix = randomUUID();
  const topics = {
    KAFKA_HOST_COMMANDS_TOPIC: `host-commands.${suffix}`,
    KAFKA_HOST_REPORTS_TOPIC: `host-reports.${suffix}`,
    KAFKA_CREDITS_TOPIC: `credits.${suffix}`,
  };
  const keyRing = `k1:${randomBytes(32).toString('base64')}`;
  const commandKeyPem = generatePrivateKeyPem('ed25519');
  const commandPublicKey = exportPublicKey(ed25519SigningKey(commandKeyPem, 'test').publicKey);
  const dir = mkdtempSync(join(tmpdir(), 'ops-edge-'));
  const root = join(dir, 'root');
  /** edge-1's agent keys, made where its agent finds them (what `print-keys` shows an admin). */
  const edgeKeys: AgentKeys = loadOrCreateAgentKeys(join(dir, 'agent-data'), 'edge-1');
  /** Another managed host, enrolled with its own agent's keys. */
  const otherKeys: AgentKeys = loadOrCreateAgentKeys(join(dir, 'other-agent-data'), 'edge-2');
  let t: TestApp;
  let http: App;
  let admin: string;
  let agent: ChildProcess | undefined;
  let agentOutput = '';
  /** Status of a create sent before the agent ever ran. */
  let earlyCreate = 0;

  function startAgent(): ChildProcess {
    return spawnHostAgent(
      {
        ...topics,
        ...kafkaEnv(),
        HOST_ID: 'edge-1',
        HOST_AGENT_ROOT: root,
        DATA_DIR: join(dir, 'agent-data'),
        HOST_COMMAND_PUBLIC_KEYS: commandPublicKey,
        LOG_LEVEL: 'info',
      },
      (line) => (agentOutput += `${line}\n`),
    );
  }

  /** An attacker who got hold of Kafka credentials writes straight to the topics. */
  async function publish(topic: string, messages: { key: string; value: string }[]): Promise<void> {
    const kafka = createKafkaClient({
      brokers,
      clientId: 'attacker',
      logger: quiet,
      security: kafkaTestSecurity(),
    });
    const producer = kafka.producer();
    await producer.connect();
    try {
      // A topic the app has just created may not have every partition's leader known to a new client yet.
      for (let attempt = 1; ; attempt += 1) {
        try {
          await producer.send({ topic, messages });
          break;
        } catch (error) {
          if (attempt === 10) throw error;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    } finally {
      await producer.disconnect();
    }
  }

  const genuine = {
    username: 'genuine',
    uid: 1000,
    gid: 1000,
    shell: '/bin/sh',
    home: '/home/genuine',
    groups: [],
  };

  /**
   * Reports that must be parked, not block the partition that the real agent's reports follow:
   * unreadable, unsigned, signed by a key nobody enrolled, and one host (edge-1, compromised, with
   * its real key) speaking for another (edge-2).
   */
  async function publishPoisonReports(): Promise<void> {
    const outcome = {
      kind: 'outcome' as const,
      commandId: 'c',
      username: 'carol',
      status: 'applied' as const,
    };
    const forged = { ...outcome, hostId: 'edge-1', revision: '0' };
    const stranger = ed25519SigningKey(generatePrivateKeyPem('ed25519'), 'stranger');
    const otherInventory = {
      kind: 'inventory' as const,
      hostId: 'edge-2',
      takenAt: new Date().toISOString(),
      accounts: [],
    };
    await publish(topics.KAFKA_HOST_REPORTS_TOPIC, [
      { key: 'edge-1', value: 'not json' },
      { key: 'edge-1', value: JSON.stringify({ ...outcome, hostId: 'other-host', revision: '0' }) },
      { key: 'edge-1', value: JSON.stringify({ ...outcome, hostId: 'edge-1', revision: 'x' }) },
      {
        key: 'edge-1',
        value: JSON.stringify({ kind: 'inventory', hostId: 'edge-1', takenAt: 'never', accounts: [] }),
      },
      { key: 'edge-1', value: JSON.stringify(forged) },
      { key: 'edge-1', value: JSON.stringify(signHostReport(forged, stranger)) },
      { key: 'edge-2', value: JSON.stringify(signHostReport(otherInventory, edgeKeys.signing)) },
      {
        key: 'edge-2',
        value: JSON.stringify(signHostReport({ ...forged, hostId: 'edge-2' }, edgeKeys.signing)),
      },
      // What edge-2's own agent says, after the forgeries on the same partition: this one counts.
      {
        key: 'edge-2',
        value: JSON.stringify(signHostReport({ ...otherInventory, accounts: [genuine] }, otherKeys.signing)),
      },
    ]);
  }

  /** A command an attacker with access to the broker writes: well formed, unsigned, granting sudo. */
  async function publishForgedCommand(): Promise<void> {
    const desired = {
      present: true,
      shell: '/bin/bash',
      fullName: 'Mallory',
      groups: [],
      sudo: true,
      passwordHash: null,
      locked: false,
      expiresOn: null,
      forcePasswordChange: false,
      sshKeys: [],
    };
    const forged = { commandId: randomUUID(), hostId: 'edge-1', username: 'mallory', revision: '0', desired };
    await publish(topics.KAFKA_HOST_COMMANDS_TOPIC, [{ key: 'edge-1', value: JSON.stringify(forged) }]);
  }

  beforeAll(async () => {
    t = await startTestApp({
      ...topics,
      ...kafkaEnv(),
      KAFKA_CLIENT_ID: `ops-e2e-${suffix}`,
      HOST_COMMAND_TRANSPORT: 'kafka',
      SECRETS_KEYS: keyRing,
      HOST_COMMAND_SIGNING_KEY: commandKeyPem,
    });
    http = t.app.getHttpServer();
    admin = t.token('ops-admin', 'admin');
    const registered = await request(http)
      .post('/api/v1/hosts')
      .set('Authorization', `Bearer ${admin}`)
      .send({ host_id: 'edge-1', name: 'edge-1.example.test', agent_public_keys: agentPublicKeys(edgeKeys) });
    expect(registered.status).toBe(201);
    const other = await request(http)
      .post('/api/v1/hosts')
      .set('Authorization', `Bearer ${admin}`)
      .send({
        host_id: 'edge-2',
        name: 'edge-2.example.test',
        agent_public_keys: agentPublicKeys(otherKeys),
      });
    expect(other.status).toBe(201);
    earlyCreate = (
      await request(http)
        .post('/api/v1/local-users?host=edge-1')
        .set('Authorization', `Bearer ${admin}`)
        .send({ username: 'postgres' })
    ).status;
    await publishPoisonReports();
    agent = startAgent();
  });

  afterAll(async () => {
    agent?.kill('SIGTERM');
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to create an account on a host whose agent has not reported its accounts yet', async () => {
    expect(earlyCreate).toBe(409);
    // Once the agent reported, the same request is refused as a system account instead.
    await eventually(async () => {
      const host = await request(http).get('/api/v1/hosts/edge-1').set('Authorization', `Bearer ${admin}`);
      expect(host.body.inventory_taken_at).not.toBeNull();
    }, 60_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\nagent output:\n${agentOutput}`);
    });
    const later = await request(http)
      .post('/api/v1/local-users?host=edge-1')
      .set('Authorization', `Bearer ${admin}`)
      .send({ username: 'daemon' });
    expect(later.status).toBe(403);
  });

  it('parks reports that are unreadable, forged or refused, and keeps following the partition', async () => {
    const outcomes = await request(http)
      .get('/api/v1/audit-log?host=edge-1&action=host_change.applied')
      .set('Authorization', `Bearer ${admin}`);
    expect(outcomes.body.items).toEqual([]);
    // edge-1's own key does not make it edge-2: only edge-2's genuine inventory was recorded.
    await eventually(async () => {
      const otherHost = await request(http)
        .get('/api/v1/hosts/edge-2')
        .set('Authorization', `Bearer ${admin}`);
      expect(otherHost.body.unmanaged_accounts).toEqual(['genuine']);
    }, 30_000);
    const probe = new Client({ connectionString: t.database.url });
    await probe.connect();
    try {
      const recorded = await probe.query(
        `SELECT type, data FROM events WHERE stream_name LIKE '%edge-2%' AND type <> 'HostRegistered'`,
      );
      expect(recorded.rows).toHaveLength(1);
      expect(recorded.rows[0]).toMatchObject({
        type: 'HostInventoryReported',
        data: { accounts: [genuine] },
      });
    } finally {
      await probe.end();
    }
  });

  it('creates a user on the remote host and reports it applied, with its inventory', async () => {
    // Before the real command, on the same partition: by the time carol is applied, it was read.
    await publishForgedCommand();
    const created = await request(http)
      .post('/api/v1/local-users?host=edge-1')
      .set('Authorization', `Bearer ${admin}`)
      .send({
        username: 'carol',
        full_name: 'Carol Remote',
        password: 'a-Long-and-unusual-passphrase-9',
        sudo: true,
      });
    expect(created.status).toBe(202);

    const user = await eventually(async () => {
      const response = await request(http)
        .get('/api/v1/local-users/carol?host=edge-1')
        .set('Authorization', `Bearer ${admin}`);
      expect(response.body.state).toBe('applied');
      // The agent reports its inventory right after applying, so drift views see the account too.
      expect(response.body.on_host).toBe(true);
      return response.body;
    }, 60_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\nagent output:\n${agentOutput}`);
    });
    expect(user).toMatchObject({ host: 'edge-1', sudo: true, on_host: true });
    expect(await etcLine(root, 'passwd', 'carol')).toMatch(
      /^carol:x:\d+:\d+:Carol Remote:\/home\/carol:\/bin\/bash$/,
    );
    expect(await etcLine(root, 'shadow', 'carol')).toMatch(/^carol:\$6\$/);
    expect(await pwckReadOnly(root)).toMatchObject({ exitCode: 0 });
    expect(agentOutput).not.toContain('a-Long-and-unusual-passphrase-9');
    // The forged command came first on the same partition: it was read, refused and never applied.
    expect(agentOutput).toContain('command refused: it is not signed');
    expect(await etcLine(root, 'passwd', 'mallory')).toBeUndefined();
    expect(await etcLine(root, 'group', 'sudo')).not.toContain('mallory');
    // Nor reported on: its id, account and revision were the forger's, and would enter that history.
    const db = new Client({ connectionString: t.database.url });
    await db.connect();
    try {
      const { rows } = await db.query('SELECT count(*)::int AS n FROM events WHERE stream_name = $1', [
        localUserStream('edge-1', 'mallory'),
      ]);
      expect(rows[0].n).toBe(0);
    } finally {
      await db.end();
    }

    const host = await request(http).get('/api/v1/hosts/edge-1').set('Authorization', `Bearer ${admin}`);
    expect(host.body.inventory_taken_at).not.toBeNull();
  });
});
