import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AdjustCreditsHandler } from './commands/adjust-credits.handler';
import { SetAccountPlanHandler } from './commands/set-account-plan.handler';
import { CreditsController } from './credits.controller';

@Module({
  imports: [CqrsModule],
  controllers: [CreditsController],
  providers: [AdjustCreditsHandler, SetAccountPlanHandler],
})
export class CreditsModule {}
