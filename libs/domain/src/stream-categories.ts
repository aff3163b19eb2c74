import { API_KEY_CATEGORY } from './api-keys/api-key.stream';
import { SUBJECT_ACCESS_CATEGORY } from './api-keys/subject-access';
import { PROVIDER_KEYS_CATEGORY } from './byok/provider-key.stream';
import { CREDIT_ACCOUNT_CATEGORY } from './credits/credit-account.stream';
import { HOST_CATEGORY } from './hosts/host.stream';
import { LLM_CATALOG_CATEGORY } from './llm-catalog/llm-catalog.stream';
import { LLM_REQUEST_CATEGORY } from './llm-requests/llm-request.stream';
import { LOCAL_USER_CATEGORY } from './local-users/local-user.stream';
import { PRIVACY_CATEGORY } from './privacy/privacy.stream';
import { PROVIDER_HEALTH_CATEGORY } from './provider-health/provider-health.events';
import { SUBSCRIPTION_CATEGORY } from './subscriptions/subscription.events';

/** Every category the domain's stream helpers name a stream with (`<category><id>`). */
export const STREAM_CATEGORIES: readonly string[] = [
  API_KEY_CATEGORY,
  CREDIT_ACCOUNT_CATEGORY,
  HOST_CATEGORY,
  LLM_CATALOG_CATEGORY,
  LLM_REQUEST_CATEGORY,
  LOCAL_USER_CATEGORY,
  PRIVACY_CATEGORY,
  PROVIDER_HEALTH_CATEGORY,
  PROVIDER_KEYS_CATEGORY,
  SUBJECT_ACCESS_CATEGORY,
  SUBSCRIPTION_CATEGORY,
];

/**
 * The category of a stream the domain named, or undefined for any other. Ids may hold `-` (host
 * `web-1`, request UUIDs), so the category is the domain's prefix, never a guess at the last dash;
 * the longest prefix wins should one category ever start with another.
 */
export function streamCategory(stream: string): string | undefined {
  let found: string | undefined;
  for (const category of STREAM_CATEGORIES) {
    if (
      stream.startsWith(category) &&
      stream.length > category.length &&
      category.length > (found?.length ?? 0)
    )
      found = category;
  }
  return found;
}
