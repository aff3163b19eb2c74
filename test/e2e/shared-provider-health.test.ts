import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BASE_COOLDOWN_MS } from '@ops/domain';
import { configureHttpApp } from '@ops/infra/http';
import request from 'supertest';
import type { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { ApiAppModule } from '../../apps/api/src/app.module';
import { ProviderHealthService } from '../../apps/api/src/gateway/health/provider-health.service';
import { eventually } from '../support/app';
import { GATEWAY_TEST_CATALOG, startGatewayApp, type GatewayTestApp } from '../support/gateway';

interface HealthView {
  provider: string;
  status: string;
  cooling_down_until: string | null;
  reported: { status: string; reported_by: string | null; cooling_down_until: string | null } | null;
}

/** An API replica alone, as the distributed setup runs it, on the gateway's database and upstreams. */
async function startReplica(gateway: GatewayTestApp): Promise<INestApplication> {
  const replica = await NestFactory.create(ApiAppModule.forRoot(gateway.config), { logger: false });
  configureHttpApp(replica, gateway.config);
  await replica.init();
  return replica;
}

/*
 * Two API replicas, A and B, on one database; the single node beside them runs the projector that
 * keeps the read model. Family `large` of GATEWAY_TEST_CATALOG is served by Groq, then Together; a
 * provider's breaker opens after three failures in a row.
 */
describe('provider health shared by the API replicas', () => {
  let gateway: GatewayTestApp;
  let replicas: INestApplication[] = [];
  let a: App;
  let b: App;

  beforeAll(async () => {
    gateway = await startGatewayApp({}, { catalog: GATEWAY_TEST_CATALOG });
    replicas = [await startReplica(gateway), await startReplica(gateway)];
    [a, b] = replicas.map((replica) => replica.getHttpServer());
    await gateway.setPlan('sam', { tier: 'starter' });
    await gateway.fund('sam', 10_000_000n);
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await Promise.all(replicas.map((replica) => replica.close()));
    await gateway?.close();
  });

  const ask = async (on: App, model: string) => {
    const answer = await request(on)
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${gateway.token('sam', 'user')}`)
      .send({ model, messages: [{ role: 'user', content: 'Hello there' }] })
      .expect(200);
    return { provider: answer.headers['x-ops-provider'], attempts: answer.headers['x-ops-attempts'] };
  };
  const groqHealth = async (on: App): Promise<HealthView> =>
    (
      await request(on)
        .get('/api/v1/llm/health')
        .set('Authorization', `Bearer ${gateway.token('auditor-1', 'auditor')}`)
        .expect(200)
    ).body.providers.find((view: HealthView) => view.provider === 'groq');

  it('a breaker one replica opens keeps the other away at once, and both agree once it recovers', async () => {
    const { groq } = gateway.upstreams;
    const [replicaA, replicaB] = replicas.map((replica) => replica.get(ProviderHealthService).replica);
    expect(replicaA).not.toBe(replicaB);
    expect(await ask(b, 'large-groq')).toEqual({ provider: 'groq', attempts: '1' });

    groq.enqueue({ status: 500 }, { status: 500 }, { status: 500 });
    for (let failure = 0; failure < 3; failure++) {
      expect(await ask(a, 'large-groq')).toEqual({ provider: 'together', attempts: '2' });
    }
    const onA = await groqHealth(a);
    expect(onA).toMatchObject({ status: 'down' });

    // B has not failed on Groq once, yet cools it down until A's deadline, and names A as the witness.
    const onB = await eventually(async () => {
      const view = await groqHealth(b);
      expect(view).toMatchObject({ status: 'down', reported: { status: 'down', reported_by: replicaA } });
      return view;
    });
    expect(onB.cooling_down_until).toBe(onA.cooling_down_until);
    // The read model a replica starts from holds the same report.
    await eventually(async () => {
      const [row] = await gateway.app
        .get(DataSource)
        .query(`SELECT status, cooling_down_until, reported_by FROM provider_health WHERE provider = 'groq'`);
      expect(row).toEqual({
        status: 'down',
        cooling_down_until: new Date(onA.cooling_down_until!),
        reported_by: replicaA,
      });
    });
    const groqCalls = groq.requests.length;
    expect(await ask(b, 'large-groq')).toEqual({ provider: 'together', attempts: '1' });
    expect(groq.requests.length).toBe(groqCalls);

    // The cooldown passes; A's probe, its trial call, reaches a recovered Groq and closes its breaker.
    const realNow = Date.now.bind(Date);
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + BASE_COOLDOWN_MS + 1_000);
    await replicas[0].get(ProviderHealthService).probeAll();
    for (const on of [a, b]) {
      await eventually(async () =>
        expect(await groqHealth(on)).toMatchObject({
          status: 'up',
          cooling_down_until: null,
          reported: { status: 'up', reported_by: replicaA, cooling_down_until: null },
        }),
      );
    }
    expect(await ask(b, 'large-groq')).toEqual({ provider: 'groq', attempts: '1' });
  });
});
