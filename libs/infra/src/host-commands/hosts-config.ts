import { ROOT_EQUIVALENT_GROUPS } from '@ops/domain';
import { Transform } from 'class-transformer';
import { IsArray, IsIn, IsString, Matches } from 'class-validator';
import { FeatureConfig } from '../config/feature-config';

/** `a, b,,c` as `['a', 'b', 'c']`: a list setting's names, blanks dropped. */
function commaList(value: unknown): string[] {
  return String(value)
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
}

/**
 * The managed servers as the control plane sees them: how host commands reach their agents, the
 * default host, and the accounts and groups no API call may create or change on any of them (the
 * agents enforce the same lists).
 */
export class HostsConfig extends FeatureConfig {
  /**
   * How host commands reach agents: `in-process` runs this machine's agent inside the single-node
   * process; `kafka` publishes them to KAFKA_HOST_COMMANDS_TOPIC for agents on the managed servers.
   */
  @IsIn(['in-process', 'kafka'])
  HOST_COMMAND_TRANSPORT: 'in-process' | 'kafka' = 'in-process';

  /** The managed server routes use when they name no `host`; in single-node mode, this machine's agent. */
  @IsString()
  DEFAULT_HOST_ID = 'local';

  /**
   * Accounts no API call may create or change on any host, besides root and uids below 1000,
   * comma-separated; the host agent enforces them too.
   */
  @Transform(({ value }) => commaList(value))
  @IsArray()
  @IsString({ each: true })
  PROTECTED_ACCOUNTS: string[] = ['root'];

  /**
   * Groups that make a member root without sudo, refused as plain groups by the API (400) and by the
   * host agent (failed outcome), comma-separated. Extend it with the host's own (e.g. `podman`); an
   * empty value keeps the default, since refusing no group at all is not a setting worth offering.
   */
  @Transform(({ value }) => commaList(value))
  @IsArray()
  @Matches(/^[a-z_][a-z0-9_-]{0,31}$/, { each: true })
  LOCAL_USER_REFUSED_GROUPS: string[] = [...ROOT_EQUIVALENT_GROUPS];
}
