export { canonicalJson } from './canonical-json';
export { ChainVerifier, type ChainLink, type StreamHead } from './chain-verifier';
export { DIGEST_EVENT_TYPE, DIGEST_STREAM } from './event-log-sql';
export { exportEventLog } from './event-log-exporter';
export {
  EventLogVerifier,
  type DigestCheck,
  type VerificationReport,
  type VerifyProgress,
} from './event-log-verifier';
export { chainHash, contentHash } from './event-hashes';
export { replayExportFile, type ReplaySummary } from './export-file-replay';
export { verifyExportFile, type FileVerificationReport } from './export-file-verifier';
export { EXPORT_FORMAT, type ExportFilter } from './export-format';
export { type IntegrityProblem, type IntegrityProblemKind } from './integrity-problem';
export { loadAuditSigningKey, type AuditSigningKey } from './signing-key';
export { DigestSigner, type DigestRequest } from './digest-signer';
export { MalformedDigestError, RecordedDigests, type RecordedDigest } from './recorded-digests';
export { type DigestDocument, type SignedDigest } from './stream-heads-digest';
