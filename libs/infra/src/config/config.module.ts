import { DynamicModule, Module } from '@nestjs/common';
import { featureConfig, FEATURE_CONFIGS, type AppConfig } from './app-config';

/**
 * Injection token of the whole validated configuration, for what shows it all (GET
 * /api/v1/system/config); a feature injects its own settings' class instead.
 */
export const APP_CONFIG = Symbol('APP_CONFIG');

/**
 * Makes the configuration, loaded and validated once by the entry point (`loadConfig()`), injectable
 * everywhere: each feature's settings under its class (`constructor(config: GatewayConfig)`), taken
 * from the configuration as the entry point hands it over (DATABASE_URL resolved to the embedded
 * cluster). Global so that feature modules need not import it.
 */
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    const features = FEATURE_CONFIGS.map((feature) => ({
      provide: feature,
      useValue: featureConfig<InstanceType<typeof feature>>(feature, config),
    }));
    return {
      module: ConfigModule,
      global: true,
      providers: [{ provide: APP_CONFIG, useValue: config }, ...features],
      exports: [APP_CONFIG, ...FEATURE_CONFIGS],
    };
  }
}
