import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { SubjectAccessController } from './subject-access.controller';
import { DeactivateSubjectHandler, ReactivateSubjectHandler } from './subject-access.handlers';

@Module({
  imports: [CqrsModule],
  controllers: [SubjectAccessController],
  providers: [DeactivateSubjectHandler, ReactivateSubjectHandler],
})
export class SubjectAccessModule {}
