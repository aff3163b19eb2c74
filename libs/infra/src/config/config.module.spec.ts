import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AuthConfig } from '../auth/auth-config';
import { HttpConfig } from '../http/http-config';
import { ProvidersConfig } from '../llm-upstream/providers-config';
import { FEATURE_CONFIGS, loadConfig } from './app-config';
import { APP_CONFIG, ConfigModule } from './config.module';
import { GatewayConfig } from './features/gateway-config';
import { settingNames } from './setting-rules';

@Injectable()
class GatewayConsumer {
  constructor(
    readonly gateway: GatewayConfig,
    readonly auth: AuthConfig,
  ) {}
}

describe('ConfigModule', () => {
  const config = loadConfig({
    PORT: '4100',
    LLM_MAX_ATTEMPTS: '2',
    AUTH_MODE: 'local',
    OPENAI_API_KEY: 'sk-provider-key-9',
  });

  const compile = () =>
    Test.createTestingModule({
      imports: [ConfigModule.forRoot(config)],
      providers: [GatewayConsumer],
    }).compile();

  it.each(FEATURE_CONFIGS.map((feature) => [feature.name, feature] as const))(
    'provides %s under its class, holding its settings as loaded',
    async (_name, feature) => {
      const settings = (await compile()).get(feature);
      expect(settings).toBeInstanceOf(feature);
      for (const name of settingNames(feature)) {
        expect((settings as unknown as Record<string, unknown>)[name]).toStrictEqual(
          (config as unknown as Record<string, unknown>)[name],
        );
      }
    },
  );

  it('resolves a consumer by the classes of the settings it reads, with no token', async () => {
    const consumer = (await compile()).get(GatewayConsumer);
    expect(consumer.gateway.LLM_MAX_ATTEMPTS).toBe(2);
    expect(consumer.auth.AUTH_MODE).toBe('local');
    expect(consumer.gateway).not.toHaveProperty('AUTH_MODE');
  });

  it("gives a feature only its own settings, and the providers' collected keys to ProvidersConfig", async () => {
    const moduleRef = await compile();
    expect(moduleRef.get(HttpConfig).PORT).toBe(4100);
    expect(moduleRef.get(HttpConfig)).not.toHaveProperty('LLM_MAX_ATTEMPTS');
    expect(moduleRef.get(ProvidersConfig).providerEnv).toStrictEqual({ OPENAI_API_KEY: 'sk-provider-key-9' });
    expect(JSON.stringify(moduleRef.get(ProvidersConfig))).not.toContain('sk-provider-key-9');
  });

  it('still provides the whole configuration, for what shows it all', async () => {
    expect((await compile()).get(APP_CONFIG)).toBe(config);
  });

  it('declares every variable in exactly one feature', () => {
    const names = FEATURE_CONFIGS.flatMap((feature) => settingNames(feature));
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toStrictEqual([]);
  });
});
