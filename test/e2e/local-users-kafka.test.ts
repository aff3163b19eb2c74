import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { App } from 'supertest/types';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { spawnHostAgent } from '../support/host-agent-process';
import { describeWithKafka, kafkaEnv } from '../support/kafka';
import { kafkaTestSecurity } from '../support/kafka-security';
import { createKafkaClient } from '@ops/infra/kafka/kafka-client';

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
  const dir = mkdtempSync(join(tmpdir(), 'ops-edge-'));
  const root = join(dir, 'root');
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
        SECRETS_KEYS: keyRing,
        LOG_LEVEL: 'info',
      },
      (line) => (agentOutput += `${line}\n`),
    );
  }

  /** Reports that must be parked, not block the partition that the real agent's reports follow. */
  async function publishPoisonReports(): Promise<void> {
    const kafka = createKafkaClient({
      brokers,
      clientId: 'poison',
      logger: quiet,
      security: kafkaTestSecurity(),
    });
    const producer = kafka.producer();
    await producer.connect();
    const outcome = { kind: 'outcome', commandId: 'c', username: 'carol', status: 'applied' };
    await producer.send({
      topic: topics.KAFKA_HOST_REPORTS_TOPIC,
      messages: [
        { key: 'edge-1', value: 'not json' },
        { key: 'edge-1', value: JSON.stringify({ ...outcome, hostId: 'other-host', revision: '0' }) },
        { key: 'edge-1', value: JSON.stringify({ ...outcome, hostId: 'edge-1', revision: 'x' }) },
        {
          key: 'edge-1',
          value: JSON.stringify({ kind: 'inventory', hostId: 'edge-1', takenAt: 'never', accounts: [] }),
        },
      ],
    });
    await producer.disconnect();
  }

  beforeAll(async () => {
    t = await startTestApp({
      ...topics,
      ...kafkaEnv(),
      KAFKA_CLIENT_ID: `ops-e2e-${suffix}`,
      HOST_COMMAND_TRANSPORT: 'kafka',
      SECRETS_KEYS: keyRing,
    });
    http = t.app.getHttpServer();
    admin = t.token('ops-admin', 'admin');
    const registered = await request(http)
      .post('/api/v1/hosts')
      .set('Authorization', `Bearer ${admin}`)
      .send({ host_id: 'edge-1', name: 'edge-1.example.test' });
    expect(registered.status).toBe(201);
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
  });

  it('creates a user on the remote host and reports it applied, with its inventory', async () => {
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

    const host = await request(http).get('/api/v1/hosts/edge-1').set('Authorization', `Bearer ${admin}`);
    expect(host.body.inventory_taken_at).not.toBeNull();
  });
});
