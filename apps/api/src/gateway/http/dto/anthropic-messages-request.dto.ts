import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import type {
  AnthropicMessage,
  AnthropicRequest,
  AnthropicTextBlock,
  AnthropicTool,
  AnthropicToolChoice,
} from '@ops/infra/llm-upstream';
import {
  cacheControlProblem,
  contextManagementProblem,
  outputConfigProblem,
  anthropicMessagesProblem,
  anthropicToolChoiceProblem,
  anthropicToolsProblem,
  metadataProblem,
  stopSequencesProblem,
  systemProblem,
  thinkingProblem,
} from './anthropic-messages.rules';
import { Bounded } from './json-bounds';

/**
 * Anthropic's Messages request, as Claude Code and the Anthropic SDKs send it. It may be forwarded to
 * Anthropic as it is, so every field is bounded here and unknown fields are refused (the validation
 * pipe forbids them). The gateway's own choices (power level, privacy) come as headers.
 */
export class AnthropicMessagesRequestDto implements AnthropicRequest {
  @ApiProperty({
    example: 'claude-sonnet-4-5',
    description: 'A model id from /models, `provider/model`, or `auto`',
  })
  @IsString()
  @Length(1, 200)
  model!: string;

  @ApiProperty({ example: 1024 }) @IsInt() @Min(1) @Max(1_000_000) max_tokens!: number;

  @ApiProperty({ example: [{ role: 'user', content: 'Hello' }] })
  @Bounded('anthropicMessages', anthropicMessagesProblem)
  messages!: AnthropicMessage[];

  @ApiPropertyOptional({ description: 'A string, or text blocks (with cache_control)' })
  @IsOptional()
  @Bounded('system', systemProblem)
  system?: string | AnthropicTextBlock[];

  @ApiPropertyOptional() @IsOptional() @Bounded('metadata', metadataProblem) metadata?: { user_id: string };

  @ApiPropertyOptional()
  @IsOptional()
  @Bounded('stopSequences', stopSequencesProblem)
  stop_sequences?: string[];

  @ApiPropertyOptional() @IsOptional() @IsBoolean() stream?: boolean;

  // Older clients still send sampling settings; Anthropic's newest models refuse some of them themselves.
  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(0) @Max(1) temperature?: number;

  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(0) @Max(1) top_p?: number;

  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(1_000) top_k?: number;

  @ApiPropertyOptional({ description: "{type: 'adaptive'}, {type: 'enabled', budget_tokens}, …" })
  @IsOptional()
  @Bounded('thinking', thinkingProblem)
  thinking?: AnthropicRequest['thinking'];

  @ApiPropertyOptional({ description: 'effort: low | medium | high | xhigh | max' })
  @IsOptional()
  @Bounded('outputConfig', outputConfigProblem)
  output_config?: AnthropicRequest['output_config'];

  @ApiPropertyOptional({ description: "Automatic prompt caching: {type: 'ephemeral', ttl?}" })
  @IsOptional()
  @Bounded('cacheControl', cacheControlProblem)
  cache_control?: AnthropicRequest['cache_control'];

  @ApiPropertyOptional()
  @IsOptional()
  @IsIn(['auto', 'standard_only'])
  service_tier?: AnthropicRequest['service_tier'];

  @ApiPropertyOptional({
    description:
      "Context editing (beta context-management-2025-06-27): {edits: [{type: 'clear_tool_uses_20250919', …}]}",
  })
  @IsOptional()
  @Bounded('contextManagement', contextManagementProblem)
  context_management?: AnthropicRequest['context_management'];

  @ApiPropertyOptional({
    description:
      'Up to 128 tools: custom ones (each input_schema up to 64 KB), web_search_20250305, web_fetch_20250910',
  })
  @IsOptional()
  @Bounded('tools', anthropicToolsProblem)
  tools?: AnthropicTool[];

  @ApiPropertyOptional()
  @IsOptional()
  @Bounded('toolChoice', anthropicToolChoiceProblem)
  tool_choice?: AnthropicToolChoice;
}

/** What `/v1/messages/count_tokens` reads: a Messages request without what only shapes the answer. */
export class AnthropicCountTokensDto extends OmitType(AnthropicMessagesRequestDto, [
  'max_tokens',
  'stream',
  'stop_sequences',
  'metadata',
  'temperature',
  'top_p',
  'top_k',
  'service_tier',
] as const) {}
