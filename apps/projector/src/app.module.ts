import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@ops/infra/config/app-config';
import { PlatformModule } from '@ops/infra/platform.module';
import { ProjectorModule } from './projector.module';

/** The projector alone, for the distributed setup; serves only /health and /metrics. */
@Module({})
export class ProjectorAppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: ProjectorAppModule, imports: [PlatformModule.forRoot(config), ProjectorModule] };
  }
}
