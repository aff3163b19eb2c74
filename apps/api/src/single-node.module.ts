import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@ops/infra/config/app-config';
import { PlatformModule } from '@ops/infra/platform.module';
import { InProcessHostAgentModule } from '../../host-agent/src/in-process-host-agent.module';
import { ProjectorModule } from '../../projector/src/projector.module';
import { ApiModule } from './api.module';
import { ConsoleSignInAnnouncer } from './console/console-sign-in-announcer';

/** `npm start`: the API, the projector and this machine's host agent in one process, on one database. */
@Module({})
export class SingleNodeModule {
  static forRoot(config: AppConfig): DynamicModule {
    const agent = config.HOST_COMMAND_TRANSPORT === 'in-process' ? [InProcessHostAgentModule] : [];
    return {
      module: SingleNodeModule,
      imports: [PlatformModule.forRoot(config, { soleProcess: true }), ApiModule, ProjectorModule, ...agent],
      // Only the single node prints a sign-in link: it is the one an operator starts by hand.
      providers: [ConsoleSignInAnnouncer],
    };
  }
}
