import { Module } from '@nestjs/common';
import { LlmUsageController } from './llm-usage.controller';

@Module({
  controllers: [LlmUsageController],
})
export class LlmUsageModule {}
