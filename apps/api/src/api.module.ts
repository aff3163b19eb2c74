import { Module } from '@nestjs/common';
import { AuthModule } from '@ops/infra/auth';
import { CreditsModule } from './credits/credits.module';

/** The admin and consumer HTTP API: authentication and every capability's controllers. */
@Module({
  imports: [AuthModule, CreditsModule],
})
export class ApiModule {}
