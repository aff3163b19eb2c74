import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Post,
  Req,
  type RawBodyRequest,
} from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Public, Roles, type AuthenticatedUser } from '@ops/infra/auth';
import type { Request } from 'express';
import { CreditCheckoutService } from './credit-checkout.service';
import { CheckoutStartedView, CreditPackageView, WebhookReceivedView } from './dto/billing-views.dto';
import { CREDIT_PACKAGES, type CreditPackage } from './credit-packages';
import { PurchaseCreditsDto } from './dto/purchase-credits.dto';
import { StripeWebhookService } from './stripe-webhook.service';
import {
  PlanView,
  StartSubscriptionDto,
  SubscriptionCheckoutView,
  SubscriptionView,
} from './dto/subscription-views.dto';
import { SUBSCRIPTION_PLANS } from './subscription-plans.provider';
import { SubscriptionService } from './subscription.service';
import { TIERS, type SubscriptionPlans } from '@ops/domain';
import { CREDIT_LEDGER_PROJECTION } from '@ops/infra/read-models';
import { ReadModels } from '../common/read-your-writes/read-models.decorator';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

@ApiTags('billing')
@ReadModels(CREDIT_LEDGER_PROJECTION)
@Controller()
export class BillingController {
  constructor(
    private readonly checkout: CreditCheckoutService,
    private readonly webhooks: StripeWebhookService,
    private readonly subscriptions: SubscriptionService,
    @Inject(SUBSCRIPTION_PLANS) private readonly plans: SubscriptionPlans,
    @Inject(CREDIT_PACKAGES) private readonly packages: ReadonlyMap<string, CreditPackage>,
  ) {}

  /** The credit packages on sale (CREDIT_PACKAGES): what each costs and what it credits. */
  @Get('api/v1/billing/credit-packages')
  @Roles('user', 'admin', 'finance')
  @ApiBearerAuth()
  @ApiOkResponse({ type: [CreditPackageView] })
  listCreditPackages(): CreditPackageView[] {
    return [...this.packages.values()].map((entry) => ({
      id: entry.id,
      name: entry.name,
      price_cents: entry.priceCents,
      credits_micros: entry.creditsMicros.toString(),
    }));
  }

  /** The tiers on sale: monthly price and included credits. */
  @Get('api/v1/billing/plans')
  @Roles('user', 'admin', 'finance')
  @ApiBearerAuth()
  @ApiOkResponse({ type: [PlanView] })
  listPlans(): PlanView[] {
    return TIERS.map((tier) => ({
      tier,
      price_cents: this.plans[tier].priceCents,
      included_credits_micros: this.plans[tier].includedCreditsMicros.toString(),
    }));
  }

  /** The caller's subscription: the tier in force, its period, a scheduled change, a grace. */
  @Get('api/v1/billing/subscription')
  @Roles('user', 'admin')
  @ApiBearerAuth()
  @ApiOkResponse({ type: SubscriptionView })
  subscription(@CurrentUser() user: AuthenticatedUser): Promise<SubscriptionView> {
    return this.subscriptions.current(user.id);
  }

  /** Starts a subscription to a paid tier: a Stripe Checkout Session in subscription mode. */
  @Post('api/v1/billing/subscription/checkout')
  @Roles('user', 'admin')
  @HttpCode(201)
  @ApiBearerAuth()
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry returns the same session' })
  @ApiCreatedResponse({ type: SubscriptionCheckoutView })
  subscribe(
    @Body() body: StartSubscriptionDto,
    @CurrentUser() user: AuthenticatedUser,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<SubscriptionCheckoutView> {
    const key = idempotencyKey && IDEMPOTENCY_KEY.test(idempotencyKey) ? idempotencyKey : undefined;
    return this.subscriptions.startCheckout(user.id, body.tier, key);
  }

  @Post('api/v1/llm/credits/purchase')
  @Roles('user', 'admin')
  @HttpCode(201)
  @ApiBearerAuth()
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry returns the same session' })
  @ApiCreatedResponse({ type: CheckoutStartedView })
  purchase(
    @Body() body: PurchaseCreditsDto,
    @CurrentUser() user: AuthenticatedUser,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<CheckoutStartedView> {
    const key = idempotencyKey && IDEMPOTENCY_KEY.test(idempotencyKey) ? idempotencyKey : undefined;
    return this.checkout.start(user.id, body.package, key);
  }

  /** Stripe's notifications: authenticated by their signature over the raw body, not by a token. */
  @Post('api/v1/billing/stripe/webhook')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: WebhookReceivedView })
  webhook(
    @Req() request: RawBodyRequest<Request>,
    @Headers('stripe-signature') signature?: string,
  ): Promise<WebhookReceivedView> {
    return this.webhooks.receive(request.rawBody, signature);
  }
}
