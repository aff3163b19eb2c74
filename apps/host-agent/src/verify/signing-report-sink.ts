import type { HostInventory, HostOutcome } from '@ops/domain';
import { signHostReport, type SignedReportSink } from '@ops/infra/host-trust/host-report-signature';
import type { Ed25519SigningKey } from '@ops/infra/host-trust/signed-payload';
import type { HostReportSink } from '../transport/host-transport';

/** Signs every report with the agent's own key: the control plane records only what its host signed. */
export class SigningReportSink implements HostReportSink {
  constructor(
    private readonly key: Ed25519SigningKey,
    private readonly inner: SignedReportSink,
  ) {}

  outcome(outcome: HostOutcome): Promise<void> {
    return this.inner.report(signHostReport({ kind: 'outcome', ...outcome }, this.key));
  }

  inventory(inventory: HostInventory): Promise<void> {
    return this.inner.report(signHostReport({ kind: 'inventory', ...inventory }, this.key));
  }
}
