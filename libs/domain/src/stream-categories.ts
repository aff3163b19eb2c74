import { API_KEY_CATEGORY, SUBJECT_ACCESS_CATEGORY } from './api-keys';
import { PROVIDER_KEYS_CATEGORY } from './byok';
import { CREDIT_ACCOUNT_CATEGORY } from './credits';
import { HOST_CATEGORY } from './hosts';
import { LLM_REQUEST_CATEGORY } from './llm-requests';
import { LOCAL_USER_CATEGORY } from './local-users';
import { PRIVACY_CATEGORY } from './privacy';
import { PROVIDER_HEALTH_CATEGORY } from './provider-health';

/** Every category the domain names its streams with: a stream's name is its category, then its id. */
export const STREAM_CATEGORIES = [
  API_KEY_CATEGORY,
  CREDIT_ACCOUNT_CATEGORY,
  HOST_CATEGORY,
  LLM_REQUEST_CATEGORY,
  LOCAL_USER_CATEGORY,
  PRIVACY_CATEGORY,
  PROVIDER_HEALTH_CATEGORY,
  PROVIDER_KEYS_CATEGORY,
  SUBJECT_ACCESS_CATEGORY,
] as const;
