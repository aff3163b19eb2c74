import type { KeyObject } from 'node:crypto';
import { ChainVerifier } from './chain-verifier';
import { holdsWholeStreams, streamInScope, type ExportedEvent } from './export-format';
import { readExportFile } from './export-file-reader';
import { ProblemList, type IntegrityProblem } from './integrity-problem';
import { keyIdOf } from '../../crypto/key-id';
import { parsePublicKey } from './signing-key';
import {
  compareStreamNames,
  HeadsRoot,
  isSignatureValid,
  type DigestDocument,
  type StreamHeadEntry,
} from './stream-heads-digest';

export interface FileDigestCheck {
  digest_id: string;
  signature_valid: boolean;
  /** True when the public key came from the auditor (`--public-key`), not from the document itself. */
  key_pinned: boolean;
  heads_checked: number;
  /** Why heads were not compared, when they were not. */
  heads_skipped?: string;
}

export interface FileVerificationReport {
  ok: boolean;
  events: number;
  streams: number;
  problems: IntegrityProblem[];
  problems_total: number;
  digest: FileDigestCheck | null;
}

/** Problems about the file itself (truncated, malformed) name no stream: they carry this one. */
export const FILE_STREAM = '(file)';

/**
 * Verifies an export file with no database: every chain inside the file, the digest's signature
 * and its list of heads, and, when the file holds whole streams up to the digest's position, each
 * signed head against the file (a head the file lacks, or holds with another hash, is reported).
 */
export async function verifyExportFile(
  path: string,
  digest: DigestDocument | null,
  pinnedPublicKeyPem?: string,
): Promise<FileVerificationReport> {
  const problems = new ProblemList();
  const digestCheck = digest ? checkDocument(digest, pinnedPublicKeyPem, problems.add) : null;
  const heads = new Map<string, StreamHeadEntry>(digest?.heads.map((head) => [head.stream, head]) ?? []);
  const seenHeads = new Set<string>();
  let streams = 0;
  const verifier = new ChainVerifier({
    wholeStreams: false,
    onProblem: problems.add,
    onStreamEnd: () => {
      streams += 1;
    },
  });
  const summary = await readExportFile(path, {
    onEvent: (event: ExportedEvent) => {
      verifier.add({
        streamName: event.stream,
        revision: BigInt(event.revision),
        content: {
          id: event.id,
          type: event.type,
          schemaVersion: event.schema_version,
          data: event.data,
          metadata: event.metadata,
        },
        previousHash: event.previous_hash,
        hash: event.hash,
      });
      const head = heads.get(event.stream);
      if (head && head.revision === event.revision) {
        seenHeads.add(event.stream);
        if (head.hash !== event.hash) {
          problems.add({
            stream: event.stream,
            revision: event.revision,
            problem: 'head_mismatch',
            detail: `the event at the head signed by digest ${digest!.digest_id} has another hash`,
          });
        }
      }
    },
  });
  verifier.finish();
  for (const { line, reason } of summary.malformed) {
    problems.add({ stream: FILE_STREAM, revision: String(line), problem: 'malformed', detail: reason });
  }
  if (digest && digestCheck) {
    const header = summary.header;
    if (!header) digestCheck.heads_skipped = 'the file has no header';
    else if (!holdsWholeStreams(header.filter))
      digestCheck.heads_skipped = 'the file covers a time range, not whole streams';
    else if (header.log_position < digest.log_position)
      digestCheck.heads_skipped = 'the file was exported before the digest was signed';
    else {
      for (const head of heads.values()) {
        if (!streamInScope(header.filter, head.stream)) continue;
        digestCheck.heads_checked += 1;
        if (!seenHeads.has(head.stream)) {
          problems.add({
            stream: head.stream,
            revision: head.revision,
            problem: 'missing',
            detail: `the head signed by digest ${digest.digest_id} is not in the file`,
          });
        }
      }
    }
  }
  return {
    ok: problems.total === 0,
    events: summary.events,
    streams,
    problems: problems.listed,
    problems_total: problems.total,
    digest: digestCheck,
  };
}

function checkDocument(
  document: DigestDocument,
  pinnedPublicKeyPem: string | undefined,
  report: (problem: IntegrityProblem) => void,
): FileDigestCheck {
  const invalid = (detail: string): void =>
    report({ stream: FILE_STREAM, revision: '0', problem: 'digest_invalid', detail });
  const { signature, public_key: documentKey, heads, ...payload } = document;
  const key: KeyObject = parsePublicKey(pinnedPublicKeyPem ?? documentKey);
  let signatureValid = keyIdOf(key) === payload.key_id && isSignatureValid({ payload, signature }, key);
  if (!signatureValid) invalid('the digest signature does not verify with the public key');
  const root = new HeadsRoot();
  try {
    for (const head of [...heads].sort((a, b) => compareStreamNames(a.stream, b.stream))) root.add(head);
    if (root.count !== payload.stream_count || root.digest() !== payload.heads_root) {
      invalid("the digest's list of heads is not the one it signed");
      signatureValid = false;
    }
  } catch (error) {
    invalid(`the digest's list of heads is malformed: ${(error as Error).message}`);
    signatureValid = false;
  }
  return {
    digest_id: payload.digest_id,
    signature_valid: signatureValid,
    key_pinned: pinnedPublicKeyPem !== undefined,
    heads_checked: 0,
  };
}
