import request from 'supertest';
import { ProviderHealthService } from '../../apps/api/src/gateway/health/provider-health.service';
import { eventually } from '../support/app';
import { startGatewayApp, type GatewayTestApp } from '../support/gateway';

interface HealthView {
  provider: string;
  status: string;
  samples: number;
}

/** Active health: probes of each configured provider's models endpoint feed the same breaker as traffic. */
describe('LLM gateway active health probes', () => {
  let gateway: GatewayTestApp;

  beforeAll(async () => {
    gateway = await startGatewayApp();
  });
  afterAll(async () => gateway?.close());

  const health = async (): Promise<HealthView[]> =>
    (
      await request(gateway.app.getHttpServer())
        .get('/api/v1/llm/health')
        .set('Authorization', `Bearer ${gateway.token('auditor-1', 'auditor')}`)
        .expect(200)
    ).body.providers;

  it('lists every provider, those without a key or base URL as unconfigured', async () => {
    const views = await health();
    const statusOf = (provider: string) => views.find((view) => view.provider === provider)?.status;
    // Without OPENROUTER_API_KEY (a remote provider) and without VLLM_BASE_URL (a local one).
    expect(statusOf('openrouter')).toBe('unconfigured');
    expect(statusOf('vllm')).toBe('unconfigured');
    expect(statusOf('openai')).toBe('up');
    expect(statusOf('ollama')).toBe('up');
    expect(views).toHaveLength(10);
  });

  it('probes every configured provider with the platform key, and takes an unreachable one down', async () => {
    const probes = gateway.app.get(ProviderHealthService);
    await probes.probeAll();
    const probed = gateway.upstreams.openai.requests.filter((seen) => seen.path.endsWith('/models'));
    expect(probed.at(-1)?.headers.authorization).toBe('Bearer sk-platform-openai');
    expect((await health()).find((view) => view.provider === 'openai')).toMatchObject({
      status: 'up',
      samples: 1,
    });

    await gateway.upstreams.groq.close();
    for (let round = 0; round < 3; round++) await probes.probeAll();

    const views = await health();
    expect(views.find((view) => view.provider === 'groq')?.status).toBe('down');
    expect(views.find((view) => view.provider === 'openai')?.status).toBe('up');
    // The change is recorded after the probe returns, off the probe's own path.
    await eventually(async () => {
      const changes = await gateway.events('provider-health-groq');
      expect(changes.map((change) => [change.type, change.data.status, change.data.source])).toEqual([
        ['ProviderHealthChanged', 'down', 'probe'],
      ]);
    });
  });
});
