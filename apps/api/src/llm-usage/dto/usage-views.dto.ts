import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Counts and sums as decimal strings, like every amount of money on this API. */
export class UsageTotalsView {
  @ApiProperty({ example: '42', description: 'Completed and failed requests' }) requests!: string;
  @ApiProperty({ example: '1' }) failed_requests!: string;
  @ApiProperty({ example: '12000' }) input_tokens!: string;
  @ApiProperty({ example: '3400' }) output_tokens!: string;
  @ApiProperty({ example: '8000', description: 'Part of input_tokens read from the prompt cache' })
  cache_read_tokens!: string;
  @ApiProperty({ example: '1000', description: 'Part of input_tokens written to the prompt cache' })
  cache_write_tokens!: string;
  @ApiProperty({ example: '0', description: 'Part of cache_write_tokens written for one hour (2 × input)' })
  cache_write_1h_tokens!: string;
  @ApiProperty({ example: '2', description: 'Server-side web searches, each charged' })
  web_search_requests!: string;
  @ApiProperty({ example: '5250', description: 'Micro-USD paid from credits' }) cost_micros!: string;
  @ApiProperty({ example: '6100', description: 'Micro-USD at catalog prices, own keys included' })
  list_cost_micros!: string;
}

export class UsageRowView extends UsageTotalsView {
  @ApiPropertyOptional({ description: 'Present when every user is shown' }) user_id?: string;
  @ApiPropertyOptional({ example: '2025-01-31', description: 'UTC day' }) day?: string;
  @ApiPropertyOptional({ description: "'' for requests refused before reaching any provider" })
  provider?: string;
  @ApiPropertyOptional({ description: "'' for requests refused before reaching any provider" })
  model?: string;
}

export class UsageView {
  @ApiProperty() from!: string;
  @ApiProperty({ description: 'Exclusive' }) to!: string;
  @ApiPropertyOptional({ nullable: true, description: 'Null when every user is shown' }) user_id!:
    string | null;
  @ApiProperty({ type: [String] }) group_by!: string[];
  @ApiProperty({ type: UsageTotalsView }) totals!: UsageTotalsView;
  @ApiProperty({ type: [UsageRowView] }) rows!: UsageRowView[];
  @ApiProperty({ description: 'True when there were more rows than one answer holds; narrow the range' })
  truncated!: boolean;
}
