import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { LlmUsageController } from './llm-usage.controller';
import { GetUsageHandler } from './queries/get-usage.handler';

@Module({
  imports: [CqrsModule],
  controllers: [LlmUsageController],
  providers: [GetUsageHandler],
})
export class LlmUsageModule {}
