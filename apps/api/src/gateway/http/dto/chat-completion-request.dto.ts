import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import type { ChatMessage, FunctionTool, ToolChoice } from '@ops/infra/llm-upstream';
import { messagesProblem } from './chat-messages.rule';
import { Bounded } from './json-bounds';
import {
  logitBiasProblem,
  metadataProblem,
  responseFormatProblem,
  stopProblem,
  streamOptionsProblem,
  toolChoiceProblem,
  toolsProblem,
} from './request-fields.rules';
import { MAX_FALLBACK_MODELS, modelListProblem, ProviderPreferencesDto } from './routing-controls.dto';

/**
 * OpenAI's chat-completions request, as SDKs send it, plus OpenRouter's routing controls (`models`,
 * `provider`) and two extensions of ours: `power_level` and `privacy`. Every field is forwarded upstream, so every field is bounded here, free-form objects
 * included, and unknown fields are refused (the validation pipe forbids them).
 */
export class ChatCompletionRequestDto {
  @ApiProperty({ example: 'auto', description: 'A model id from /models, `provider/model`, or `auto`' })
  @IsString()
  @Length(1, 200)
  model!: string;

  @ApiProperty({ example: [{ role: 'user', content: 'Hello' }] })
  @Bounded('chatMessages', messagesProblem)
  messages!: ChatMessage[];

  @ApiPropertyOptional() @IsOptional() @IsBoolean() stream?: boolean;

  @ApiPropertyOptional() @IsOptional() @Bounded('streamOptions', streamOptionsProblem) stream_options?: {
    include_usage?: boolean;
  } | null;

  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(1_000_000) max_tokens?: number | null;

  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(1_000_000) max_completion_tokens?: number | null;

  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(0) @Max(2) temperature?: number | null;

  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(0) @Max(1) top_p?: number | null;

  @ApiPropertyOptional({ description: 'Only 1 is supported' }) @IsOptional() @IsInt() @Min(1) @Max(1) n?:
    number | null;

  @ApiPropertyOptional({ description: 'Up to 4 sequences of up to 256 characters' })
  @IsOptional()
  @Bounded('stop', stopProblem)
  stop?: string | string[] | null;

  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(-2) @Max(2) presence_penalty?: number | null;

  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(-2) @Max(2) frequency_penalty?: number | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(Number.MIN_SAFE_INTEGER)
  @Max(Number.MAX_SAFE_INTEGER)
  seed?: number | null;

  @ApiPropertyOptional({ description: 'Up to 128 functions; each parameters schema up to 64 KB' })
  @IsOptional()
  @Bounded('tools', toolsProblem)
  tools?: FunctionTool[];

  @ApiPropertyOptional() @IsOptional() @Bounded('toolChoice', toolChoiceProblem) tool_choice?: ToolChoice;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() parallel_tool_calls?: boolean;

  @ApiPropertyOptional({ description: 'text, json_object, or json_schema with a schema up to 64 KB' })
  @IsOptional()
  @Bounded('responseFormat', responseFormatProblem)
  response_format?: {
    type: 'text' | 'json_object' | 'json_schema';
    json_schema?: Record<string, unknown>;
  };

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 256) user?: string;

  @ApiPropertyOptional({ description: 'Up to 16 pairs; keys up to 64, values up to 512 characters' })
  @IsOptional()
  @Bounded('metadata', metadataProblem)
  metadata?: Record<string, string>;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() store?: boolean;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() logprobs?: boolean | null;

  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(20) top_logprobs?: number | null;

  @ApiPropertyOptional({ description: 'Up to 300 token ids, biases from -100 to 100' })
  @IsOptional()
  @Bounded('logitBias', logitBiasProblem)
  logit_bias?: Record<string, number> | null;

  @ApiPropertyOptional({
    enum: ['eco', 'balanced', 'precision'],
    description: 'Ours: overrides the account default',
  })
  @IsOptional()
  @IsIn(['eco', 'balanced', 'precision'])
  power_level?: string;

  @ApiPropertyOptional({ description: 'Ours: local providers only, fails closed' })
  @IsOptional()
  @IsBoolean()
  privacy?: boolean;

  @ApiPropertyOptional({
    example: ['gpt-4o-mini'],
    description: `As OpenRouter: up to ${MAX_FALLBACK_MODELS} models tried in order after \`model\``,
  })
  @IsOptional()
  @Bounded('models', modelListProblem)
  models?: string[];

  @ApiPropertyOptional({ type: ProviderPreferencesDto, description: 'As OpenRouter: provider routing' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ProviderPreferencesDto)
  provider?: ProviderPreferencesDto;
}
