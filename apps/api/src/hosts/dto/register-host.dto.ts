import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class RegisterHostDto {
  @ApiProperty({ example: 'web-01', description: 'Stable id: lowercase letters, digits, dots and dashes' })
  @IsString()
  @Length(1, 63)
  host_id!: string;

  @ApiProperty({ example: 'web-01.example.com' })
  @IsString()
  @Length(1, 128)
  name!: string;
}
