import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { IntegrityProblemKind } from '@ops/infra/event-store/integrity';

const PROBLEM_KINDS: IntegrityProblemKind[] = [
  'hash_mismatch',
  'chain_broken',
  'missing',
  'reordered',
  'unhashed',
  'head_mismatch',
  'digest_invalid',
  'malformed',
];

export class IntegrityProblemView {
  @ApiProperty() stream!: string;
  @ApiProperty({ description: 'Decimal revision' }) revision!: string;
  @ApiProperty({ enum: PROBLEM_KINDS }) problem!: IntegrityProblemKind;
  @ApiProperty() detail!: string;
}

export class DigestCheckView {
  @ApiProperty({ nullable: true, type: String }) digest_id!: string | null;
  @ApiProperty({ nullable: true, type: String }) log_position!: string | null;
  @ApiProperty({ nullable: true, type: String }) created_at!: string | null;
  @ApiProperty() signature_valid!: boolean;
  @ApiProperty({ description: 'Streams it signed (the one asked for, in a single stream verification)' })
  heads_checked!: number;
}

export class ExportedCopyCheckView {
  @ApiProperty() digests!: number;
  @ApiProperty({ description: 'Recorded digests whose exported copy is identical' }) matched!: number;
  @ApiProperty({ description: 'Recorded digests the copy does not hold' }) not_exported!: number;
}

export class DigestChainCheckView {
  @ApiProperty() digests_checked!: number;
  @ApiProperty() heads_checked!: number;
  @ApiProperty() key_id!: string;
  @ApiProperty({
    description: 'False when the key is only the signing key’s own half (see AUDIT_PUBLIC_KEY)',
  })
  key_pinned!: boolean;
  @ApiProperty({ type: ExportedCopyCheckView, nullable: true }) exported!: ExportedCopyCheckView | null;
}

/** What a verification found: the chains' problems and how the signed digests held up. */
class VerificationView {
  @ApiProperty() events!: number;
  @ApiProperty() ok!: boolean;
  @ApiProperty({ type: [IntegrityProblemView], description: 'The first 1,000; `problems_total` counts all' })
  problems!: IntegrityProblemView[];
  @ApiProperty() problems_total!: number;
  @ApiProperty({ type: DigestCheckView, nullable: true, description: 'Null when no digest was ever signed' })
  digest!: DigestCheckView | null;
  @ApiProperty({ type: DigestChainCheckView }) digest_chain!: DigestChainCheckView;
}

export class StreamVerificationView extends VerificationView {
  @ApiProperty() stream!: string;
}

/** The last line of the whole log's verification. */
export class LogVerificationResultView extends VerificationView {
  @ApiProperty({ enum: ['result'] }) type!: 'result';
  @ApiProperty() streams!: number;
}

/** A line sent about once a second while the whole log is verified. */
export class LogVerificationProgressView {
  @ApiProperty({ enum: ['progress'] }) type!: 'progress';
  @ApiProperty() events_checked!: number;
  @ApiProperty() streams_checked!: number;
  @ApiProperty() problems!: number;
}

/** The last line instead of a result when the verification itself failed. */
export class LogVerificationErrorView {
  @ApiProperty({ enum: ['error'] }) type!: 'error';
  @ApiProperty() message!: string;
}

export class StreamHeadView {
  @ApiProperty() stream!: string;
  @ApiProperty() revision!: string;
  @ApiProperty() hash!: string;
}

/** A signed digest as an auditor keeps it elsewhere: the payload's fields, the signature, the key, every head. */
export class DigestDocumentView {
  @ApiProperty() format!: string;
  @ApiProperty() digest_id!: string;
  @ApiProperty({ description: 'Every event up to this log position, none after' }) log_position!: string;
  @ApiProperty() created_at!: string;
  @ApiProperty() stream_count!: number;
  @ApiProperty() heads_root!: string;
  @ApiProperty() key_id!: string;
  @ApiPropertyOptional({ description: 'Its revision in `audit-digests`: 0, 1, 2… with no gap' })
  sequence?: number;
  @ApiPropertyOptional({ nullable: true, type: String }) previous_digest?: string | null;
  @ApiPropertyOptional() changed_count?: number;
  @ApiPropertyOptional() changed_root?: string;
  @ApiProperty({ description: 'Ed25519 over the payload’s canonical JSON, base64' }) signature!: string;
  @ApiProperty() public_key!: string;
  @ApiProperty({ type: [StreamHeadView] }) heads!: StreamHeadView[];
}

export class AuditPublicKeyView {
  @ApiProperty({ enum: ['Ed25519'] }) algorithm!: 'Ed25519';
  @ApiProperty() key_id!: string;
  @ApiProperty({ description: 'SPKI PEM' }) public_key!: string;
  @ApiProperty({ description: 'True when it is AUDIT_PUBLIC_KEY, not the signing key beside the data' })
  pinned!: boolean;
}
