import type { Provider } from '@nestjs/common';
import { parseMargin, type Margin } from '@ops/domain';
import { GatewayConfig } from '@ops/infra/config/features/gateway-config';

/** The operator's margin (LLM_MARKUP_PERCENT, LLM_BYOK_FEE_PERCENT), validated when the config loaded. */
export const MARGIN = Symbol('MARGIN');

export const marginProvider: Provider<Margin> = {
  provide: MARGIN,
  inject: [GatewayConfig],
  useFactory: (config: GatewayConfig) => parseMargin(config.LLM_MARKUP_PERCENT, config.LLM_BYOK_FEE_PERCENT),
};
