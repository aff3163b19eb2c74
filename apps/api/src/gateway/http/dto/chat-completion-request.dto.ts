import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsArray,
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
  Validate,
} from 'class-validator';
import type { ChatMessage, FunctionTool, ToolChoice } from '@ops/infra/llm-upstream';
import { ChatMessagesRule } from './chat-messages.rule';

/**
 * OpenAI's chat-completions request, as SDKs send it, plus two extensions of ours: `power_level`
 * and `privacy`. Fields we do not forward are still accepted when OpenAI defines them, so an SDK's
 * defaults never make a request fail.
 */
export class ChatCompletionRequestDto {
  @ApiProperty({ example: 'auto', description: 'A model id from /models, `provider/model`, or `auto`' })
  @IsString()
  @Length(1, 200)
  model!: string;

  @ApiProperty({ example: [{ role: 'user', content: 'Hello' }] })
  @Validate(ChatMessagesRule)
  messages!: ChatMessage[];

  @ApiPropertyOptional() @IsOptional() @IsBoolean() stream?: boolean;

  @ApiPropertyOptional() @IsOptional() @IsObject() stream_options?: { include_usage?: boolean } | null;

  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(1_000_000) max_tokens?: number | null;

  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(1_000_000) max_completion_tokens?: number | null;

  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(0) @Max(2) temperature?: number | null;

  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(0) @Max(1) top_p?: number | null;

  @ApiPropertyOptional({ description: 'Only 1 is supported' }) @IsOptional() @IsInt() @Min(1) @Max(1) n?:
    number | null;

  @ApiPropertyOptional() @IsOptional() stop?: string | string[] | null;

  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(-2) @Max(2) presence_penalty?: number | null;

  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(-2) @Max(2) frequency_penalty?: number | null;

  @ApiPropertyOptional() @IsOptional() @IsInt() seed?: number | null;

  @ApiPropertyOptional() @IsOptional() @IsArray() tools?: FunctionTool[];

  @ApiPropertyOptional() @IsOptional() tool_choice?: ToolChoice;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() parallel_tool_calls?: boolean;

  @ApiPropertyOptional() @IsOptional() @IsObject() response_format?: {
    type: 'text' | 'json_object' | 'json_schema';
    json_schema?: Record<string, unknown>;
  };

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 256) user?: string;

  @ApiPropertyOptional() @IsOptional() @IsObject() metadata?: Record<string, string>;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() store?: boolean;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() logprobs?: boolean | null;

  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(20) top_logprobs?: number | null;

  @ApiPropertyOptional() @IsOptional() @IsObject() logit_bias?: Record<string, number> | null;

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
}
