export { canonicalJson } from './canonical-json';
export { ChainVerifier, type ChainLink, type StreamHead } from './chain-verifier';
export { DIGEST_EVENT_TYPE, DIGEST_STREAM } from './digest-stream';
export { exportEventLog } from './event-log-exporter';
export {
  DigestExportError,
  digestSinks,
  exportedDigestLine,
  FileDigestSink,
  HttpDigestSink,
  readExportedDigests,
  type DigestSink,
  type ExportedDigests,
} from './digest-export';
export {
  EventLogVerifier,
  EXPORTED_DIGESTS_STREAM,
  type DigestChainCheck,
  type DigestCheck,
  type ExportedCopyCheck,
  type VerificationReport,
  type VerifyProgress,
} from './event-log-verifier';
export { chainHash, contentHash } from './event-hashes';
export { replayExportFile, type ReplaySummary } from './export-file-replay';
export { verifyExportFile, type FileVerificationReport } from './export-file-verifier';
export { EXPORT_FORMAT, type ExportFilter } from './export-format';
export { type IntegrityProblem, type IntegrityProblemKind } from './integrity-problem';
export {
  loadAuditSigningKey,
  loadTrustedKey,
  trustedKeyFromPem,
  type AuditSigningKey,
  type TrustedKey,
} from './signing-key';
export {
  DigestSigner,
  SigningKeyNotTrustedError,
  type DigestRequest,
  type DigestSignerOptions,
} from './digest-signer';
export { MalformedDigestError, RecordedDigests, type RecordedDigest } from './recorded-digests';
export {
  digestHash,
  type ChainedDigestPayload,
  type DigestDocument,
  type DigestPayload,
  type SignedDigest,
} from './stream-heads-digest';
