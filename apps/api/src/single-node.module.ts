import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@ops/infra/config/app-config';
import { PlatformModule } from '@ops/infra/platform.module';
import { ProjectorModule } from '../../projector/src/projector.module';
import { ApiModule } from './api.module';

/** `npm start`: the API and the projector in one process, on one database. */
@Module({})
export class SingleNodeModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: SingleNodeModule,
      imports: [PlatformModule.forRoot(config), ApiModule, ProjectorModule],
    };
  }
}
