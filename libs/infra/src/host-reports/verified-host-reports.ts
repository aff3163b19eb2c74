import { Injectable, Logger } from '@nestjs/common';
import {
  DomainError,
  hostDecider,
  hostStream,
  isValidHostId,
  type HostInventory,
  type HostOutcome,
} from '@ops/domain';
import { CommandRunner } from '../event-sourcing/command-runner';
import {
  verifyHostReport,
  type SignedHostReport,
  type SignedReportSink,
} from '../host-trust/host-report-signature';
import { registeredAgentKeys } from '../host-trust/registered-agent-keys';
import { HostReportRecorder } from './host-report-recorder';

/**
 * The one door host reports come in by, from Kafka or from the agent in this process: a report is
 * recorded only when the agent enrolled for the host it names signed it as it is. Anything else is
 * refused with a DomainError (callers park it) and appends nothing.
 */
@Injectable()
export class VerifiedHostReports implements SignedReportSink {
  private readonly logger = new Logger(VerifiedHostReports.name);

  constructor(
    private readonly commands: CommandRunner,
    private readonly recorder: HostReportRecorder,
  ) {}

  async report(signed: SignedHostReport): Promise<void> {
    const hostId = signed.hostId;
    // Loaded through the runner's stream cache, caught up with the store: the recorder then folds the
    // same host stream without reading it again, and a rotated key counts at once.
    const keys = isValidHostId(hostId)
      ? registeredAgentKeys((await this.commands.load(hostStream(hostId), hostDecider)).state)
      : null;
    const report = keys ? verifyHostReport(signed, [keys.signing]) : null;
    if (!report) {
      this.logger.warn({ hostId, kind: signed.kind }, 'host report not signed by its host agent: refused');
      throw new DomainError(
        'forbidden',
        keys
          ? `the report is not signed by the agent enrolled for host ${hostId}`
          : `host ${hostId} has no enrolled agent keys: its reports are not trusted`,
        'signature',
      );
    }
    const { kind, ...body } = report;
    if (kind === 'outcome') await this.recorder.outcome(body as HostOutcome);
    else await this.recorder.inventory(body as HostInventory);
  }
}
