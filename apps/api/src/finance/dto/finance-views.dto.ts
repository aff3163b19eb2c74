import { ApiProperty } from '@nestjs/swagger';
import { UsageTotalsView } from '../../llm-usage/dto/usage-views.dto';

/** One customer's usage of one model on one day; the sums as the usage API has them. */
export class FinanceUsageRowView extends UsageTotalsView {
  @ApiProperty() user_id!: string;
  @ApiProperty({ description: "Lago's subscription for the user, or the user id when none is mapped" })
  external_subscription_id!: string;
  @ApiProperty({ example: '2026-11-30', description: 'UTC day' }) day!: string;
  @ApiProperty({ description: "'' for requests refused before reaching any provider" }) provider!: string;
  @ApiProperty({ description: "'' for requests refused before reaching any provider" }) model!: string;
}

export class FinanceUsageView {
  @ApiProperty({ example: '2026-11-01' }) from!: string;
  @ApiProperty({ example: '2026-11-30', description: 'Included' }) to!: string;
  @ApiProperty({ type: UsageTotalsView }) totals!: UsageTotalsView;
  @ApiProperty({ type: [FinanceUsageRowView] }) rows!: FinanceUsageRowView[];
}

export class LedgerEntryView {
  @ApiProperty() event_id!: string;
  @ApiProperty({ format: 'date-time' }) occurred_at!: string;
  @ApiProperty() user_id!: string;
  @ApiProperty({ example: 'granted', description: 'The kind of movement' }) kind!: string;
  @ApiProperty({ example: '-5250', description: 'Micro-USD; negative takes credits away' })
  amount_micros!: string;
  @ApiProperty({ example: '994750' }) balance_after_micros!: string;
  @ApiProperty() reason!: string;
  @ApiProperty() actor!: string;
}

export class LedgerKindTotalView {
  @ApiProperty() kind!: string;
  @ApiProperty({ example: '3' }) entries!: string;
  @ApiProperty({ example: '30000000' }) amount_micros!: string;
}

export class LedgerReportView {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ type: [LedgerKindTotalView] }) totals_by_kind!: LedgerKindTotalView[];
  @ApiProperty({ description: 'The sum of every movement of the period, micro-USD' }) net_micros!: string;
  @ApiProperty({ type: [LedgerEntryView], description: 'Oldest first' }) entries!: LedgerEntryView[];
}

export class ReconciliationDifferenceView {
  @ApiProperty({
    example: 'balance',
    description:
      'balance, ledger_in_period, usage_requests, usage_cost_micros; with Lago on also lago_usage_events, ' +
      'lago_usage_cost_micros, lago_top_ups_micros',
  })
  check!: string;
  @ApiProperty() user_id!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { events: '20000000', credit_balances: '20000001', credit_transactions: '20000000' },
    description: 'What each source says, as decimal strings',
  })
  values!: Record<string, string>;
}

export class ParkedEventView {
  @ApiProperty() event_id!: string;
  @ApiProperty({ enum: ['usage', 'wallet_top_up'] }) kind!: string;
  @ApiProperty() user_id!: string;
  @ApiProperty({ description: 'Why Lago refused it' }) reason!: string;
  @ApiProperty({ format: 'date-time' }) occurred_at!: string;
  @ApiProperty({ format: 'date-time' }) parked_at!: string;
}

export class ReconciliationView {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ description: 'No difference and nothing parked' }) agrees!: boolean;
  @ApiProperty({ enum: ['on', 'off'] }) lago_sync!: 'on' | 'off';
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'object', additionalProperties: { type: 'string' } },
    description: 'Per check, what each source sums to over every user',
  })
  totals!: Record<string, Record<string, string>>;
  @ApiProperty({ type: [ReconciliationDifferenceView] }) differences!: ReconciliationDifferenceView[];
  @ApiProperty({ type: [ParkedEventView] }) parked!: ParkedEventView[];
}

export class WhatIfTotalsView {
  @ApiProperty({ example: '42' }) requests!: string;
  @ApiProperty() input_tokens!: string;
  @ApiProperty() output_tokens!: string;
  @ApiProperty({ description: 'Micro-USD at the catalog prices charged' }) list_cost_micros!: string;
  @ApiProperty({ description: 'Micro-USD the credits paid' }) charged_micros!: string;
  @ApiProperty({ description: 'Micro-USD at the draft prices' }) draft_list_cost_micros!: string;
  @ApiProperty({ description: 'Micro-USD the credits would have paid' }) draft_charged_micros!: string;
  @ApiProperty({ description: 'draft_charged_micros − charged_micros' }) difference_micros!: string;
}

export class WhatIfRowView extends WhatIfTotalsView {
  @ApiProperty() user_id!: string;
  @ApiProperty() provider!: string;
  @ApiProperty() model!: string;
}

export class WhatIfView {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ enum: [true], description: 'Nothing was stored' }) simulated!: true;
  @ApiProperty({ type: WhatIfTotalsView }) totals!: WhatIfTotalsView;
  @ApiProperty({ type: [WhatIfRowView], description: 'Per customer and model' }) rows!: WhatIfRowView[];
}
