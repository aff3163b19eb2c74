import { PROVIDERS } from '@ops/domain';
import { FeatureConfig, redacted, shownValue } from '../config/feature-config';
import { HTTP, isUrlOf, urlRule, withValue } from '../config/setting-rules';

/** The variables every LLM provider is configured with, whether set or not. */
const PROVIDER_SETTINGS = PROVIDERS.flatMap(({ envPrefix }) => [
  `${envPrefix}_BASE_URL`,
  `${envPrefix}_API_KEY`,
]);

/** The LLM providers the platform itself reaches: each one's base URL and API key. */
export class ProvidersConfig extends FeatureConfig {
  /**
   * `<PROVIDER>_BASE_URL` and `<PROVIDER>_API_KEY` for every LLM provider, as given in the
   * environment; their names depend on the provider catalog, so they are collected, not declared.
   */
  providerEnv: Record<string, string> = {};

  /** Every provider's variables, unset ones included, since which are missing matters too. */
  override toJSON(): Record<string, unknown> {
    return redacted(PROVIDER_SETTINGS.map((name) => [name, this.providerEnv[name]]));
  }
}

/** The providers' variables among the environment's, and a problem for each base URL that is no URL. */
export function collectProviderEnv(present: Record<string, string | undefined>): {
  providerEnv: Record<string, string>;
  problems: string[];
} {
  const providerEnv = Object.fromEntries(
    PROVIDER_SETTINGS.flatMap((name) => (present[name] === undefined ? [] : [[name, present[name]]])),
  ) as Record<string, string>;
  const problems = Object.entries(providerEnv)
    .filter(([name, value]) => name.endsWith('_BASE_URL') && !isUrlOf(value, HTTP))
    .map(([name, value]) => withValue(`${name} ${urlRule(HTTP)}`, shownValue(name, value)));
  return { providerEnv, problems };
}
