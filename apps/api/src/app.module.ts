import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@ops/infra/config/app-config';
import { PlatformModule } from '@ops/infra/platform.module';
import { ApiModule } from './api.module';

/** The API alone, for the distributed setup (several replicas behind a load balancer). */
@Module({})
export class ApiAppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: ApiAppModule, imports: [PlatformModule.forRoot(config), ApiModule] };
  }
}
