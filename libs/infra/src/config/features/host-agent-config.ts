import { HOST_ID_PATTERN, HOST_ID_RULE } from '@ops/domain';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Min } from 'class-validator';
import { resolve } from 'node:path';
import { FeatureConfig } from '../feature-config';

/**
 * A host agent: the server it manages, the root it changes and how often it reports its inventory.
 */
export class HostAgentConfig extends FeatureConfig {
  /** The server this host agent manages; commands keyed by another host id are not its own. */
  @Matches(HOST_ID_PATTERN, { message: `HOST_ID must be ${HOST_ID_RULE}` })
  HOST_ID = 'local';

  /**
   * The root whose /etc files the host agent changes (shadow-utils `--prefix`). Unset: a sandbox
   * under DATA_DIR (`host-root`), so nothing touches the real system's users unless this is `/`.
   */
  @IsOptional()
  @IsString()
  @Transform(({ value }) => resolve(String(value)))
  HOST_AGENT_ROOT?: string;

  /** Membership of this group is what `sudo` means on the host (`sudo` on Debian, `wheel` on RHEL). */
  @Matches(/^[a-z_][a-z0-9_-]{0,31}$/)
  HOST_AGENT_SUDO_GROUP = 'sudo';

  /** How often the host agent reports the accounts it finds, so changes made by hand show up. */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  HOST_AGENT_INVENTORY_INTERVAL_MS = 60_000;
}
