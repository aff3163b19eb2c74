import { ApiProperty } from '@nestjs/swagger';
import {
  chargeFor,
  qualifiedModelId,
  TIERS,
  tierAllows,
  type Catalog,
  type Margin,
  type ModelInfo,
} from '@ops/domain';

/** What one tier pays per million tokens of a model, the tier's markup included. */
export class TierPriceView {
  @ApiProperty({ enum: TIERS }) tier!: string;
  /** False below the model's minimum tier: that tier cannot call it. */
  @ApiProperty() allowed!: boolean;
  @ApiProperty({ example: '180000' }) input_micros_per_million!: string;
  @ApiProperty({ example: '720000' }) output_micros_per_million!: string;
}

export class CatalogModelView {
  @ApiProperty({ example: 'openai/gpt-4o-mini' }) id!: string;
  @ApiProperty() provider!: string;
  @ApiProperty() model!: string;
  @ApiProperty() display_name!: string;
  @ApiProperty({ enum: ['chat', 'embedding'] }) kind!: string;
  @ApiProperty({ enum: ['active', 'deprecated', 'retired'] }) lifecycle!: string;
  @ApiProperty({ enum: TIERS }) min_tier!: string;
  @ApiProperty() local!: boolean;
  @ApiProperty({ description: 'List price, micro-USD per million input tokens' })
  input_micros_per_million!: string;
  @ApiProperty({ description: 'List price, micro-USD per million output tokens' })
  output_micros_per_million!: string;
  @ApiProperty({ type: [TierPriceView] }) prices!: TierPriceView[];
}

export class TierMarkupView {
  @ApiProperty({ enum: TIERS }) tier!: string;
  @ApiProperty({ example: 20, description: 'LLM_MARKUP_PERCENT for the tier' }) markup_percent!: number;
}

/** The catalog this node routes on, with the price each tier pays (LLM_MARKUP_PERCENT applied). */
export class CatalogView {
  @ApiProperty({ description: 'The catalog version: 0 until a price import changes it' })
  catalog_version!: number;
  @ApiProperty({ type: [TierMarkupView] }) markups!: TierMarkupView[];
  @ApiProperty({ description: 'LLM_BYOK_FEE_PERCENT' }) byok_fee_percent!: number;
  @ApiProperty({ type: [CatalogModelView] }) models!: CatalogModelView[];
}

const percent = (bps: number) => bps / 100;

function modelView(model: ModelInfo, margin: Margin): CatalogModelView {
  return {
    id: qualifiedModelId(model),
    provider: model.provider,
    model: model.id,
    display_name: model.displayName,
    kind: model.kind,
    lifecycle: model.lifecycle,
    min_tier: model.minTier,
    local: model.local,
    input_micros_per_million: model.inputMicrosPerMillion.toString(),
    output_micros_per_million: model.outputMicrosPerMillion.toString(),
    // A million tokens priced as a request is: the same rounding, so the table matches the charges.
    prices: TIERS.map((tier) => ({
      tier,
      allowed: tierAllows(tier, model.minTier),
      input_micros_per_million: chargeFor(
        model.inputMicrosPerMillion,
        { tier, byok: false },
        margin,
      ).toString(),
      output_micros_per_million: chargeFor(
        model.outputMicrosPerMillion,
        { tier, byok: false },
        margin,
      ).toString(),
    })),
  };
}

export function catalogView(version: number, models: Catalog, margin: Margin): CatalogView {
  return {
    catalog_version: version,
    markups: TIERS.map((tier) => ({ tier, markup_percent: percent(margin.markupBps[tier]) })),
    byok_fee_percent: percent(margin.byokFeeBps),
    models: models.map((model) => modelView(model, margin)),
  };
}
