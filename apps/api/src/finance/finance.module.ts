import { Module } from '@nestjs/common';
import { FinanceController } from './finance.controller';
import { LagoSubscriptionsService } from './lago-subscriptions.service';
import { LedgerReportService } from './ledger-report.service';
import { ReconciliationService } from './reconciliation.service';
import { UsageReportService } from './usage-report.service';
import { marginProvider } from '../gateway/credits/margin.provider';
import { GatewayModule } from '../gateway/gateway.module';
import { WhatIfPricingService } from './what-if-pricing.service';

/** Finance's reports (usage, ledger, reconciliation, what-if pricing) and the users' Lago subscription mapping. */
@Module({
  imports: [GatewayModule],
  controllers: [FinanceController],
  providers: [
    UsageReportService,
    LedgerReportService,
    ReconciliationService,
    LagoSubscriptionsService,
    WhatIfPricingService,
    marginProvider,
  ],
})
export class FinanceModule {}
