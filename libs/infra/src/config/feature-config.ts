import { inspect } from 'node:util';
import { settingNames } from './setting-rules';

const REDACTED = '[redacted]';
/** By name, so that a secret setting added later is covered without being listed here. */
const SECRET_SETTING = /SECRET|PASSWORD|TOKEN|_KEYS?$/;
/** A connection string's password (DATABASE_URL, ESDB_URL): `scheme://user:password@`. */
const URL_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):\S*@/i;

function redactSetting(name: string, value: unknown): unknown {
  if (typeof value !== 'string') return value ?? null;
  return SECRET_SETTING.test(name) ? REDACTED : value.replace(URL_PASSWORD, `$1:${REDACTED}@`);
}

/** Settings by the names of their variables, an unset one as null and a set secret as `[redacted]`. */
export function redacted(settings: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  return Object.fromEntries(settings.map(([name, value]) => [name, redactSetting(name, value)]));
}

/**
 * What a problem may quote of the value it refuses: nothing of a secret, nor of a value that may
 * carry credentials (`user:password@host`) it failed to parse.
 */
export function shownValue(name: string, value: string | undefined): string | undefined {
  return value === undefined || SECRET_SETTING.test(name) || value.includes('@') ? undefined : value;
}

/** A feature's settings without its methods: what spreading it (`{ ...auth, ...node }`) gives. */
export type Settings<T extends FeatureConfig> = Omit<T, keyof FeatureConfig>;

/**
 * One feature's settings, each a variable of the environment with its validation rules. loadConfig
 * validates every feature at once at start; ConfigModule provides each by its class, so a consumer
 * injects the features it reads and nothing else.
 */
export abstract class FeatureConfig {
  /** What printing it shows (JSON, pino, console): secrets and URL passwords redacted. */
  toJSON(): Record<string, unknown> {
    const names = settingNames(this.constructor as new () => FeatureConfig);
    return redacted(names.map((name) => [name, (this as unknown as Record<string, unknown>)[name]]));
  }

  [inspect.custom](): Record<string, unknown> {
    return this.toJSON();
  }
}
