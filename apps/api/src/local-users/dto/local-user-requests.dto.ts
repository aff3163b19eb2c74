import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsOptional,
  IsString,
  Length,
  MaxLength,
  ValidateIf,
} from 'class-validator';

export const trueString = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

/** Which managed server a route acts on; the configured default host when absent. */
export class HostQueryDto {
  @ApiPropertyOptional({ description: 'Managed server id (default: the configured default host)' })
  @IsOptional()
  @IsString()
  @Length(1, 63)
  host?: string;
}

export class DeleteLocalUserQueryDto extends HostQueryDto {
  @ApiPropertyOptional({ description: 'Also remove the home directory and mail spool' })
  @IsOptional()
  @Transform(trueString)
  @IsBoolean()
  remove_home?: boolean;
}

/** A password or a pre-hashed one, never both: the plain one is hashed at once and never stored. */
export class PasswordFieldsDto {
  @ApiPropertyOptional({
    description: 'Plain password: checked for strength, hashed (SHA-512 crypt) at once',
  })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  password?: string;

  @ApiPropertyOptional({ description: 'A crypt(3) hash ($6$, $5$ or $y$) instead of a password' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  password_hash?: string;
}

export class CreateLocalUserDto extends PasswordFieldsDto {
  @ApiProperty({ example: 'alice' })
  @IsString()
  @MaxLength(64)
  username!: string;

  @ApiPropertyOptional({ example: '/bin/bash', default: '/bin/bash' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  shell?: string;

  @ApiPropertyOptional({ example: 'Alice Example' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  full_name?: string;

  @ApiPropertyOptional({ type: [String], example: ['developers'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  groups?: string[];

  @ApiPropertyOptional({
    type: [String],
    description: 'authorized_keys lines (ed25519, ecdsa, RSA ≥ 3072 bits)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @IsString({ each: true })
  @MaxLength(16_384, { each: true })
  ssh_keys?: string[];

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  sudo?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Make the user choose a new password at first login' })
  @IsOptional()
  @IsBoolean()
  force_password_change?: boolean;

  @ApiPropertyOptional({
    default: false,
    description:
      'Take over an account that already exists on the host and that the platform did not create; ' +
      'without it the host agent refuses to change such an account',
  })
  @IsOptional()
  @IsBoolean()
  adopt?: boolean;
}

export class SetPasswordDto extends PasswordFieldsDto {
  @ApiPropertyOptional({ default: false, description: 'Make the user choose a new password at next login' })
  @IsOptional()
  @IsBoolean()
  force_change?: boolean;
}

export class AddSshKeyDto {
  @ApiProperty({ description: 'One authorized_keys line: [options] type base64 [comment]' })
  @IsString()
  @MaxLength(16_384)
  key!: string;
}

export class SetExpiryDto {
  @ApiProperty({
    type: String,
    nullable: true,
    example: '2027-06-30',
    description: 'Last day the account works; null: never',
  })
  @ValidateIf((dto: SetExpiryDto) => dto.expires_on !== null)
  @IsString()
  @Length(10, 10)
  expires_on!: string | null;
}

export class ChangeShellDto {
  @ApiProperty({ example: '/bin/zsh' })
  @IsString()
  @MaxLength(256)
  shell!: string;
}

export class SetGroupsDto {
  @ApiProperty({ type: [String], example: ['developers', 'video'] })
  @IsArray()
  @ArrayMaxSize(32)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  groups!: string[];
}
