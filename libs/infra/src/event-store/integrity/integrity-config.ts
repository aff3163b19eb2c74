import { Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { resolve } from 'node:path';
import { FeatureConfig } from '../../config/feature-config';
import { HTTP, IsUrlOf } from '../../config/setting-rules';

/**
 * Tamper evidence over the event log: the key digests are signed with, the key they must verify
 * with, how often the projector signs one and where each is exported as it is signed. Pinned keys
 * and exports outlive a database writer (issue 10, item 11).
 */
export class IntegrityConfig extends FeatureConfig {
  /**
   * Ed25519 private key (PEM, PKCS#8) signing the digests of every stream head; `\n` may be escaped.
   * Without it (or AUDIT_SIGNING_KEY_FILE) a key is generated once in DATA_DIR.
   */
  @IsOptional()
  @Matches(/-----BEGIN PRIVATE KEY-----/, { message: 'AUDIT_SIGNING_KEY must be a PEM (PKCS#8) private key' })
  AUDIT_SIGNING_KEY?: string;

  /** A file holding the audit signing key (PEM), instead of AUDIT_SIGNING_KEY. */
  @IsOptional()
  @IsString()
  @Transform(({ value }) => resolve(String(value)))
  AUDIT_SIGNING_KEY_FILE?: string;

  /** How often the projector signs a digest of every stream head; 0 turns the timer off. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(31 * 86_400)
  AUDIT_DIGEST_INTERVAL_SECONDS = 3_600;

  /**
   * The Ed25519 public key (PEM, SPKI; `\n` may be escaped) every digest must verify with. Set it
   * from outside DATA_DIR and the database: whoever rewrites rows or plants a key there cannot make
   * verification trust it, and a process whose signing key is another refuses to sign. Without it,
   * the signing key's own public half is trusted.
   */
  @IsOptional()
  @Matches(/-----BEGIN PUBLIC KEY-----/, { message: 'AUDIT_PUBLIC_KEY must be a PEM (SPKI) public key' })
  AUDIT_PUBLIC_KEY?: string;

  /** A file holding AUDIT_PUBLIC_KEY instead. */
  @IsOptional()
  @IsString()
  @Transform(({ value }) => resolve(String(value)))
  AUDIT_PUBLIC_KEY_FILE?: string;

  /** Every digest is appended to this file (NDJSON) as it is signed: put it on write-once storage. */
  @IsOptional()
  @IsString()
  @Transform(({ value }) => resolve(String(value)))
  AUDIT_DIGEST_EXPORT_FILE?: string;

  /** Every digest is POSTed here (JSON) as it is signed; any answer but 2xx counts as a failure. */
  @IsOptional()
  @IsUrlOf(...HTTP)
  AUDIT_DIGEST_EXPORT_URL?: string;

  /** Bearer token sent to AUDIT_DIGEST_EXPORT_URL; never logged. */
  @IsOptional()
  @IsString()
  AUDIT_DIGEST_EXPORT_TOKEN?: string;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(120_000)
  AUDIT_DIGEST_EXPORT_TIMEOUT_MS = 10_000;
}
