import {
  Global,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  DomainError,
  type AgentPublicKeys,
  type HostCommand,
  type RegisterHost,
  type RotateAgentKeys,
  managedHost,
} from '@ops/domain';
import { HostAgentConfig } from '@ops/infra/config/features/host-agent-config';
import { CommandRunner } from '@ops/infra/event-sourcing/command-runner';
import { agentPublicKeys, loadOrCreateAgentKeys } from '@ops/infra/host-trust/agent-keys';
import {
  hostCommandPublicKeys,
  loadHostCommandSigningKey,
} from '@ops/infra/host-trust/host-command-signature';
import {
  HOST_COMMAND_DISPATCHER,
  type HostCommandDispatcher,
} from '@ops/infra/host-commands/host-command-dispatcher';
import { HostsConfig } from '@ops/infra/host-commands/hosts-config';
import { HostTrustConfig } from '@ops/infra/host-trust/host-trust-config';
import { NodeConfig } from '@ops/infra/runtime/node-config';
import { PinoLogger } from 'nestjs-pino';
import { hostname } from 'node:os';
import { VerifiedHostReports } from '@ops/infra/host-reports/verified-host-reports';
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
 * host is registered with its agent's keys on first start (the keys enrolled again should they have
 * changed, e.g. a new DATA_DIR), then the agent reports its inventory and takes commands. Its reports
 * go through the same signature check as those from Kafka.
 */
@Injectable()
class InProcessHostAgentLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private agent: HostAgent | null = null;

  constructor(
    private readonly config: HostAgentConfig,
    private readonly hosts: HostsConfig,
    private readonly trust: HostTrustConfig,
    private readonly node: NodeConfig,
    private readonly channel: InProcessHostChannel,
    private readonly reports: VerifiedHostReports,
    private readonly commands: CommandRunner,
    private readonly logger: PinoLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const agentKeys = loadOrCreateAgentKeys(this.node.DATA_DIR, this.config.HOST_ID);
    await this.enrolThisHost(agentPublicKeys(agentKeys));
    const { agent } = await buildHostAgent({
      config: { ...this.config, ...this.hosts, ...this.node },
      source: this.channel,
      sink: this.reports,
      // The key this process signs with, and any others configured (a key being rotated in).
      trustedKeys: [
        loadHostCommandSigningKey({ ...this.trust, ...this.node }).publicKey,
        ...hostCommandPublicKeys(this.trust),
      ],
      agentKeys,
      logger: this.logger.logger.child({ context: 'HostAgent', hostId: this.config.HOST_ID }),
    });
    this.agent = agent;
    await agent.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent?.stop();
  }

  private async enrolThisHost(agentKeys: AgentPublicKeys): Promise<void> {
    const hostId = this.config.HOST_ID;
    try {
      await this.run({ type: 'RegisterHost', hostId, name: hostname(), agentKeys });
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'conflict')) throw error;
      // Registered before (perhaps under another name by an admin): that registration stands, and
      // this process, which holds both ends, vouches for its own agent's keys.
      await this.run({ type: 'RotateAgentKeys', hostId, agentKeys });
    }
  }

  /** Straight to the runner: this runs in a bootstrap hook, before Nest's CommandBus has its handlers. */
  private async run(command: RegisterHost | RotateAgentKeys): Promise<void> {
    await this.commands.run({
      ...managedHost.stream(command.hostId),
      command,
      context: {
        actor: 'system',
        correlationId: `enrol-${this.config.HOST_ID}`,
        causationId: null,
        source: 'host-agent',
      },
    });
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
