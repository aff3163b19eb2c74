import { Inject, Injectable } from '@nestjs/common';
import {
  chargeFor,
  DomainError,
  draftModel,
  parseMargin,
  priceRequest,
  TIERS,
  type Margin,
} from '@ops/domain';
import { FieldErrorsException } from '@ops/infra/http/problem-details';
import { UsageQueries } from '@ops/read-models';
import { MARGIN } from '../gateway/credits/margin.provider';
import { LlmCatalog } from '../gateway/routing/llm-catalog';
import type { WhatIfPricingDto } from './dto/what-if.dto';
import type { Period } from './period';

const SUMS = [
  'requests',
  'input_tokens',
  'output_tokens',
  'list_cost_micros',
  'charged_micros',
  'draft_list_cost_micros',
  'draft_charged_micros',
  'difference_micros',
] as const;

type Sum = (typeof SUMS)[number];

export type WhatIfRow = { user_id: string; provider: string; model: string } & Record<Sum, string>;

export interface WhatIfReport {
  from: string;
  to: string;
  /** Nothing was stored: the report is a simulation over the usage read model. */
  simulated: true;
  totals: Record<Sum, string>;
  rows: WhatIfRow[];
}

/**
 * Re-prices a period's completed requests with a draft price table, request by request and with the
 * gateway's own pricing functions (each request rounds up on its own, as it was charged), and puts the
 * result beside what was charged. It only reads the usage read model: nothing is appended.
 */
@Injectable()
export class WhatIfPricingService {
  constructor(
    private readonly usage: UsageQueries,
    @Inject(MARGIN) private readonly margin: Margin,
    private readonly catalog: LlmCatalog,
  ) {}

  async report(period: Period, draft: WhatIfPricingDto): Promise<WhatIfReport> {
    const margin = this.draftMargin(draft);
    const { models } = this.catalog.current();
    const prices = new Map(
      draft.prices.map((price) => [
        key(price.provider, price.model),
        draftModel(
          models.find((model) => model.provider === price.provider && model.id === price.model),
          {
            inputMicrosPerMillion: BigInt(price.input_micros_per_million),
            outputMicrosPerMillion: BigInt(price.output_micros_per_million),
            ...(price.cache_read_micros_per_million === undefined
              ? {}
              : { cacheReadMicrosPerMillion: BigInt(price.cache_read_micros_per_million) }),
            ...(price.cache_write_micros_per_million === undefined
              ? {}
              : { cacheWriteMicrosPerMillion: BigInt(price.cache_write_micros_per_million) }),
          },
        ),
      ]),
    );
    const groups = new Map<
      string,
      { user_id: string; provider: string; model: string; sums: Record<Sum, bigint> }
    >();
    for await (const request of this.usage.completedRequests(period.start, period.end)) {
      const payer = { tier: request.tier, byok: request.byok };
      const price = prices.get(key(request.provider, request.model));
      const recordedList = BigInt(request.list_cost_micros);
      // A model the draft leaves out keeps its list price; only the margin may differ.
      const cache = {
        readTokens: request.cache_read_tokens,
        writeTokens: request.cache_write_tokens,
        oneHourWriteTokens: request.cache_write_1h_tokens,
      };
      const tools = { webSearchRequests: request.web_search_requests };
      const draftPrice = price
        ? priceRequest(price, payer, request.input_tokens, request.output_tokens, margin, cache, tools)
        : { listMicros: recordedList, chargedMicros: chargeFor(recordedList, payer, margin) };
      const groupKey = JSON.stringify([request.user_id, request.provider, request.model]);
      let group = groups.get(groupKey);
      if (!group) {
        const sums = Object.fromEntries(SUMS.map((sum) => [sum, 0n])) as Record<Sum, bigint>;
        group = { user_id: request.user_id, provider: request.provider, model: request.model, sums };
        groups.set(groupKey, group);
      }
      const charged = BigInt(request.cost_micros);
      const { sums } = group;
      sums.requests += 1n;
      sums.input_tokens += BigInt(request.input_tokens);
      sums.output_tokens += BigInt(request.output_tokens);
      sums.list_cost_micros += recordedList;
      sums.charged_micros += charged;
      sums.draft_list_cost_micros += draftPrice.listMicros;
      sums.draft_charged_micros += draftPrice.chargedMicros;
      sums.difference_micros += draftPrice.chargedMicros - charged;
    }
    const ordered = [...groups.values()].sort(
      (a, b) =>
        a.user_id.localeCompare(b.user_id) ||
        a.provider.localeCompare(b.provider) ||
        a.model.localeCompare(b.model),
    );
    const totals = Object.fromEntries(SUMS.map((sum) => [sum, 0n])) as Record<Sum, bigint>;
    for (const group of ordered) for (const sum of SUMS) totals[sum] += group.sums[sum];
    return {
      from: period.from,
      to: period.to,
      simulated: true,
      totals: strings(totals),
      rows: ordered.map((group) => ({
        user_id: group.user_id,
        provider: group.provider,
        model: group.model,
        ...strings(group.sums),
      })),
    };
  }

  /** The draft's margin where it gives one, else the configured margin; refused by field when malformed. */
  private draftMargin(draft: WhatIfPricingDto): Margin {
    if (draft.markup_percent === undefined && draft.byok_fee_percent === undefined) return this.margin;
    const markup =
      draft.markup_percent === undefined
        ? JSON.stringify(Object.fromEntries(TIERS.map((tier) => [tier, this.margin.markupBps[tier] / 100])))
        : JSON.stringify(draft.markup_percent);
    const fee = draft.byok_fee_percent ?? String(this.margin.byokFeeBps / 100);
    try {
      return parseMargin(markup, fee);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const field = error.field === 'byok_fee' ? 'byok_fee_percent' : 'markup_percent';
      throw new FieldErrorsException([{ field, message: error.message }]);
    }
  }
}

const key = (provider: string, model: string) => `${provider}\u0000${model}`;

function strings(sums: Record<Sum, bigint>): Record<Sum, string> {
  return Object.fromEntries(SUMS.map((sum) => [sum, sums[sum].toString()])) as Record<Sum, string>;
}
