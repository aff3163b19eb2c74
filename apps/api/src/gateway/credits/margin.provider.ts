import type { Provider } from '@nestjs/common';
import { parseMargin, type Margin } from '@ops/domain';
import type { AppConfig } from '@ops/infra/config/app-config';
import { APP_CONFIG } from '@ops/infra/config/config.module';

/** The operator's margin (LLM_MARKUP_PERCENT, LLM_BYOK_FEE_PERCENT), validated when the config loaded. */
export const MARGIN = Symbol('MARGIN');

export const marginProvider: Provider<Margin> = {
  provide: MARGIN,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => parseMargin(config.LLM_MARKUP_PERCENT, config.LLM_BYOK_FEE_PERCENT),
};
