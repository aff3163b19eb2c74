import { Body, Controller, Headers, HttpCode, Post, Req, type RawBodyRequest } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Public, Roles, type AuthenticatedUser } from '@ops/infra/auth';
import type { Request } from 'express';
import { CreditCheckoutService } from './credit-checkout.service';
import { CheckoutStartedView, WebhookReceivedView } from './dto/billing-views.dto';
import { PurchaseCreditsDto } from './dto/purchase-credits.dto';
import { StripeWebhookService } from './stripe-webhook.service';
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
  ) {}

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
