import { ApiProperty } from '@nestjs/swagger';
import { FieldErrorsException } from '@ops/infra/http/problem-details';
import { IsString } from 'class-validator';

const HOW_TO_CONFIRM =
  'erasure cannot be undone: confirm it by repeating the subject id in the body, as {"confirm": "<subject id>"}';

/** Erasure is irreversible: the caller repeats whom it erases, so a wrong id in a URL erases nobody. */
export class ConfirmErasureDto {
  @ApiProperty({ description: 'The subject id of the URL, repeated', example: 'alice' })
  @IsString({ message: HOW_TO_CONFIRM })
  confirm!: string;
}

export function assertErasureConfirmed(subject: string, { confirm }: ConfirmErasureDto): void {
  if (confirm !== subject) {
    throw new FieldErrorsException([
      { field: 'confirm', message: `confirm must equal the subject id in the URL: ${HOW_TO_CONFIRM}` },
    ]);
  }
}
