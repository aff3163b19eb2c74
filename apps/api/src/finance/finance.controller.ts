import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { USER_ID_PATTERN, USER_ID_RULE } from '@ops/domain';
import { CurrentUser, Roles, type AuthenticatedUser } from '@ops/infra/auth';
import { FieldErrorsException } from '@ops/infra/http/problem-details';
import type { Response } from 'express';
import { toCsv } from './csv';
import { FinanceExportDto, FinancePeriodDto } from './dto/finance-queries.dto';
import { FinanceUsageView, LedgerReportView, ReconciliationView, WhatIfView } from './dto/finance-views.dto';
import { PutLagoSubscriptionDto } from './dto/lago-subscription.dto';
import { LagoSubscriptionsService, type LagoSubscriptionView } from './lago-subscriptions.service';
import { LedgerReportService } from './ledger-report.service';
import { periodOf } from './period';
import { ReconciliationService } from './reconciliation.service';
import { USAGE_COLUMNS, UsageReportService } from './usage-report.service';
import { WhatIfPricingDto } from './dto/what-if.dto';
import { WhatIfPricingService } from './what-if-pricing.service';
import { USAGE_PROJECTION, CREDIT_LEDGER_PROJECTION } from '@ops/infra/read-models';
import { LEDGER_ENTRY_COLUMNS } from '@ops/read-models';
import { ReadModels } from '../common/read-your-writes/read-models.decorator';

function sendCsv(response: Response, name: string, body: string): void {
  response.setHeader('Content-Type', 'text/csv; charset=utf-8');
  response.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
  response.send(body);
}

@ApiTags('finance')
@ApiBearerAuth()
@Roles('finance', 'admin')
@ReadModels(USAGE_PROJECTION, CREDIT_LEDGER_PROJECTION)
@Controller('api/v1/finance')
export class FinanceController {
  constructor(
    private readonly usage: UsageReportService,
    private readonly ledger: LedgerReportService,
    private readonly reconciliation: ReconciliationService,
    private readonly subscriptions: LagoSubscriptionsService,
    private readonly whatIf: WhatIfPricingService,
  ) {}

  /**
   * Re-prices a period's usage with a draft price table, per customer and model, beside what was
   * charged. A simulation: it reads the usage read model and stores nothing.
   */
  @Post('what-if')
  @HttpCode(200)
  @ApiOkResponse({ type: WhatIfView, description: 'Charged and draft amounts per customer and model' })
  whatIfPricing(@Body() body: WhatIfPricingDto): Promise<WhatIfView> {
    return this.whatIf.report(periodOf(body.from, body.to), body);
  }

  /** Usage per customer, day, provider and model; `format=csv` for a spreadsheet. */
  @Get('usage')
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: FinanceUsageView, description: 'JSON; with `format=csv` the rows as CSV' })
  async usageReport(
    @Query() query: FinanceExportDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<FinanceUsageView | void> {
    const period = periodOf(query.from, query.to);
    const rows = await this.usage.rows(period);
    if (query.format === 'csv')
      return sendCsv(response, `usage-${period.from}-${period.to}`, toCsv(USAGE_COLUMNS, rows));
    return { from: period.from, to: period.to, totals: this.usage.totals(rows), rows };
  }

  /** Every credit movement of the period, oldest first, with totals per kind. */
  @Get('ledger')
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: LedgerReportView, description: 'JSON; with `format=csv` the entries as CSV' })
  async ledgerReport(
    @Query() query: FinanceExportDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LedgerReportView | void> {
    const period = periodOf(query.from, query.to);
    const entries = await this.ledger.entries(period);
    if (query.format === 'csv')
      return sendCsv(response, `ledger-${period.from}-${period.to}`, toCsv(LEDGER_ENTRY_COLUMNS, entries));
    const totals = await this.ledger.totalsByKind(period);
    const net = totals.reduce((sum, total) => sum + BigInt(total.amount_micros), 0n);
    return { from: period.from, to: period.to, totals_by_kind: totals, net_micros: net.toString(), entries };
  }

  /** Where the log, the read models and Lago disagree, per user and check. */
  @Get('reconciliation')
  @ApiOkResponse({ type: ReconciliationView })
  reconcile(@Query() query: FinancePeriodDto): Promise<ReconciliationView> {
    return this.reconciliation.report(periodOf(query.from, query.to));
  }

  /** Which Lago subscription bills a user (and which customer's wallet their purchases top up). */
  @Put('lago/subscriptions/:userId')
  @Roles('admin')
  @ApiOkResponse({ description: 'The mapping as stored' })
  putSubscription(
    @Param('userId') userId: string,
    @Body() body: PutLagoSubscriptionDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<LagoSubscriptionView> {
    if (!USER_ID_PATTERN.test(userId))
      throw new FieldErrorsException([{ field: 'user_id', message: `user_id must be ${USER_ID_RULE}` }]);
    return this.subscriptions.put(userId, body.external_subscription_id, body.external_customer_id, user.id);
  }
}
