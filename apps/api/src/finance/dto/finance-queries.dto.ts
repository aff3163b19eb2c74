import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';

const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** A finance period: whole UTC days, both ends included. */
export class FinancePeriodDto {
  @ApiProperty({ example: '2026-11-01', description: 'First day (UTC), included' })
  @Matches(DAY, { message: 'from must be a date, YYYY-MM-DD' })
  from!: string;

  @ApiProperty({ example: '2026-11-30', description: 'Last day (UTC), included' })
  @Matches(DAY, { message: 'to must be a date, YYYY-MM-DD' })
  to!: string;
}

export class FinanceExportDto extends FinancePeriodDto {
  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}
