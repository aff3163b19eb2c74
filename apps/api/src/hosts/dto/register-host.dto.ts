import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ED25519_PUBLIC_KEY_PATTERN, X25519_PUBLIC_KEY_PATTERN } from '@ops/domain';
import { Type } from 'class-transformer';
import { IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';

/** Exactly the one-line keys the agent prints (`print-keys` or its start log). */
export class AgentPublicKeysDto {
  @ApiProperty({ description: "The agent's Ed25519 public key, base64 SPKI DER: verifies its reports" })
  @IsString()
  @Matches(ED25519_PUBLIC_KEY_PATTERN, {
    message: 'signing must be an Ed25519 public key (base64 SPKI DER)',
  })
  signing!: string;

  @ApiProperty({
    description: "The agent's X25519 public key, base64 SPKI DER: password hashes are sealed to it",
  })
  @IsString()
  @Matches(X25519_PUBLIC_KEY_PATTERN, {
    message: 'sealing must be an X25519 public key (base64 SPKI DER)',
  })
  sealing!: string;
}

export class RegisterHostDto {
  @ApiProperty({ example: 'web-01', description: 'Stable id: lowercase letters, digits, dots and dashes' })
  @IsString()
  @Length(1, 63)
  host_id!: string;

  @ApiProperty({ example: 'web-01.example.com' })
  @IsString()
  @Length(1, 128)
  name!: string;

  @ApiPropertyOptional({
    type: AgentPublicKeysDto,
    description:
      'Without them the host is inert: no command is sent to it and none of its reports is recorded',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => AgentPublicKeysDto)
  agent_public_keys?: AgentPublicKeysDto;
}
