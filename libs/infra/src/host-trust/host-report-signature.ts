import type { HostInventory, HostOutcome, TrustSignature } from '@ops/domain';
import type { KeyObject } from 'node:crypto';
import { signCanonical, verifyCanonical, type Ed25519SigningKey } from './signed-payload';

const PURPOSE = 'ops-center host report v1';

/** What an agent reports; `kind` tells outcomes and inventories apart. */
export type HostReport = ({ kind: 'outcome' } & HostOutcome) | ({ kind: 'inventory' } & HostInventory);

/** A report as it travels: signed by its host's agent over everything else it carries. */
export type SignedHostReport = HostReport & { signature: TrustSignature };

export function signHostReport(report: HostReport, key: Ed25519SigningKey): SignedHostReport {
  return { ...report, signature: signCanonical(PURPOSE, report, key) };
}

/** The report without its signature when one of `keys` signed it as it is, else null. */
export function verifyHostReport(signed: SignedHostReport, keys: readonly KeyObject[]): HostReport | null {
  const { signature, ...report } = signed;
  return verifyCanonical(PURPOSE, report, signature, keys) ? (report as HostReport) : null;
}

/** Where signed reports go: the reports topic, or the control plane's verifier in this process. */
export interface SignedReportSink {
  report(report: SignedHostReport): Promise<void>;
}
