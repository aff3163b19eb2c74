import type { HostCommand, HostInventory, HostOutcome } from '@ops/domain/local-users/host-command';
import type { Logger } from 'pino';
import type { AppliedRevisions } from './applied-revisions';
import type { LocalUserConverger } from './converge/local-user-converger';
import type { HostCommandSource, HostReportSink } from './transport/host-transport';
import type { HostCommandVerifier } from './verify/command-verifier';

export interface HostAgentOptions {
  hostId: string;
  source: HostCommandSource;
  sink: HostReportSink;
  /** Every command passes it before anything else happens (see HostCommandVerifier). */
  verifier: HostCommandVerifier;
  converger: Pick<LocalUserConverger, 'apply'>;
  applied: AppliedRevisions;
  readInventory: () => Promise<Omit<HostInventory, 'hostId' | 'takenAt'>>;
  inventoryIntervalMs: number;
  logger: Logger;
  now?: () => Date;
}

/**
 * One managed host: takes commands from its source, refuses those not signed for it or replayed,
 * skips those already applied, converges the rest,
 * records what took effect and reports every outcome before the source may acknowledge the command.
 * Reports the host's accounts on start, after each applied command and periodically, so changes
 * made by hand show up.
 */
export class HostAgent {
  private timer: NodeJS.Timeout | null = null;
  private inventoryInFlight: Promise<void> = Promise.resolve();

  constructor(private readonly options: HostAgentOptions) {}

  async start(): Promise<void> {
    await this.reportInventory();
    await this.options.source.start((command) => this.handle(command));
    this.timer = setInterval(() => {
      this.inventoryInFlight = this.reportInventory();
    }, this.options.inventoryIntervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.options.source.stop();
    await this.inventoryInFlight;
  }

  /** Reporting failures propagate: the source then does not acknowledge and the command comes again. */
  async handle(command: HostCommand): Promise<HostOutcome> {
    const verdict = this.options.verifier.check(command, this.options.applied);
    const outcome = await this.outcomeOf(command, verdict.refusal);
    if (verdict.authentic) await this.options.sink.outcome(outcome);
    // The accounts just changed, even where only some fields applied: report them now rather than at
    // the next interval (an unchanged inventory appends nothing).
    const changed =
      outcome.status === 'applied' || outcome.fields?.some((field) => field.status === 'applied');
    if (changed) await this.reportInventory();
    return outcome;
  }

  private async outcomeOf(command: HostCommand, refusal: string | null): Promise<HostOutcome> {
    const { commandId, hostId, username, revision } = command;
    const reference = { commandId, hostId, username, revision };
    const log = { commandId, username, revision };
    if (refusal) {
      this.options.logger.warn(log, refusal);
      return { ...reference, status: 'failed', tool: 'host-agent', exitCode: null, message: refusal };
    }
    if (this.options.applied.covers(username, revision)) {
      this.options.logger.info(log, 'host command already applied, skipped');
      return { ...reference, status: 'applied' };
    }
    const outcome = await this.options.converger.apply(command);
    if (outcome.status === 'applied') {
      await this.options.applied.record(username, revision);
      this.options.logger.info(log, 'host command applied');
    }
    return outcome;
  }

  /** A failed inventory is only logged: the next one comes at the next interval. */
  private async reportInventory(): Promise<void> {
    try {
      const contents = await this.options.readInventory();
      const takenAt = (this.options.now?.() ?? new Date()).toISOString();
      await this.options.sink.inventory({ hostId: this.options.hostId, takenAt, ...contents });
    } catch (error) {
      this.options.logger.error({ err: error }, 'host inventory not reported');
    }
  }
}
