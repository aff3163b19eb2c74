import {
  Global,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DomainError, HOST_SCHEMA_VERSIONS, hostDecider, hostStream, type HostCommand } from '@ops/domain';
import type { AppConfig } from '@ops/infra/config/app-config';
import { APP_CONFIG } from '@ops/infra/config/config.module';
import { SecretBox } from '@ops/infra/crypto/secret-box';
import { CommandRunner } from '@ops/infra/event-sourcing/command-runner';
import {
  HOST_COMMAND_DISPATCHER,
  type HostCommandDispatcher,
} from '@ops/infra/host-commands/host-command-dispatcher';
import { PinoLogger } from 'nestjs-pino';
import { hostname } from 'node:os';
import { HostReportRecorder } from '../../projector/src/host-reports/host-report-recorder';
import { buildHostAgent } from './build-host-agent';
import type { HostAgent } from './host-agent';
import { InProcessHostChannel } from './transport/in-process-host-channel';

/** Hands commands to the agent in this process and waits until it applied and reported them. */
class InProcessDispatcher implements HostCommandDispatcher {
  constructor(private readonly channel: InProcessHostChannel) {}

  async dispatch(commands: readonly HostCommand[]): Promise<void> {
    for (const command of commands) await this.channel.deliver(command);
  }
}

/**
 * Single node: this machine's agent runs inside the process, on the sandbox root by default. Its
 * host is registered on first start, then the agent reports its inventory and takes commands.
 */
@Injectable()
class InProcessHostAgentLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private agent: HostAgent | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly channel: InProcessHostChannel,
    private readonly recorder: HostReportRecorder,
    private readonly commands: CommandRunner,
    private readonly box: SecretBox,
    private readonly logger: PinoLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.registerThisHost();
    const { agent } = await buildHostAgent({
      config: this.config,
      source: this.channel,
      sink: this.recorder,
      box: this.box,
      logger: this.logger.logger.child({ context: 'HostAgent', hostId: this.config.HOST_ID }),
    });
    this.agent = agent;
    await agent.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent?.stop();
  }

  private async registerThisHost(): Promise<void> {
    const hostId = this.config.HOST_ID;
    try {
      await this.commands.run({
        streamName: hostStream(hostId),
        decider: hostDecider,
        command: { type: 'RegisterHost', hostId, name: hostname() },
        context: {
          actor: 'system',
          correlationId: `register-${hostId}`,
          causationId: null,
          source: 'host-agent',
        },
        schemaVersions: HOST_SCHEMA_VERSIONS,
      });
    } catch (error) {
      // Registered before (perhaps under another name by an admin): that registration stands.
      if (!(error instanceof DomainError && error.code === 'conflict')) throw error;
    }
  }
}

@Global()
@Module({
  providers: [
    InProcessHostChannel,
    {
      provide: HOST_COMMAND_DISPATCHER,
      inject: [InProcessHostChannel],
      useFactory: (channel: InProcessHostChannel) => new InProcessDispatcher(channel),
    },
    InProcessHostAgentLifecycle,
  ],
  exports: [HOST_COMMAND_DISPATCHER],
})
export class InProcessHostAgentModule {}
