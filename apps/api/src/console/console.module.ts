import { Module } from '@nestjs/common';
import { AuthModule } from '@ops/infra/auth';
import { DeactivatedSubjects } from '@ops/infra/auth/deactivated-subjects';
import { ConsoleLiveFeed } from './console-live-feed';
import { ConsoleStatic } from './console-static';
import { ConsoleController } from './console.controller';

/** The web console: its build at /console, its sign-in and sessions, and its live feed. */
@Module({
  imports: [AuthModule],
  controllers: [ConsoleController],
  providers: [ConsoleStatic, ConsoleLiveFeed, DeactivatedSubjects],
})
export class ConsoleModule {}
