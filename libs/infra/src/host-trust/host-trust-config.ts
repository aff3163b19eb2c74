import { ED25519_PUBLIC_KEY_PATTERN } from '@ops/domain';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Matches } from 'class-validator';
import { resolve } from 'node:path';
import { FeatureConfig } from '../config/feature-config';

const ED25519_PUBLIC_KEY = ED25519_PUBLIC_KEY_PATTERN.source.slice(1, -1);
const ED25519_PUBLIC_KEY_LIST = new RegExp(
  `^\\s*${ED25519_PUBLIC_KEY}\\s*(,\\s*${ED25519_PUBLIC_KEY}\\s*)*$`,
);

/**
 * Host trust (issue 10, item 1): the key the control plane signs host commands with, and the keys
 * an agent accepts them from.
 */
export class HostTrustConfig extends FeatureConfig {
  /**
   * Ed25519 private key (PEM, PKCS#8; `\n` may be escaped) the control plane signs every host command
   * with. Without it (or HOST_COMMAND_SIGNING_KEY_FILE) a key is generated once in DATA_DIR.
   */
  @IsOptional()
  @Matches(/-----BEGIN PRIVATE KEY-----/, {
    message: 'HOST_COMMAND_SIGNING_KEY must be a PEM (PKCS#8) private key',
  })
  HOST_COMMAND_SIGNING_KEY?: string;

  /** A file holding the host command signing key (PEM), instead of HOST_COMMAND_SIGNING_KEY. */
  @IsOptional()
  @IsString()
  @Transform(({ value }) => resolve(String(value)))
  HOST_COMMAND_SIGNING_KEY_FILE?: string;

  /**
   * The control plane's public keys a host agent accepts commands from: comma-separated base64 SPKI
   * DER Ed25519 keys (the projector logs its current one at start). Several during a rotation.
   * Required by the distributed agent; the in-process agent also trusts the key its process signs with.
   */
  @IsOptional()
  @Matches(ED25519_PUBLIC_KEY_LIST, {
    message: 'HOST_COMMAND_PUBLIC_KEYS must be comma-separated Ed25519 public keys (base64 SPKI DER)',
  })
  HOST_COMMAND_PUBLIC_KEYS?: string;
}
