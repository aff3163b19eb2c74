import { Module } from '@nestjs/common';
import { AuditStateController } from './audit-state.controller';

@Module({ controllers: [AuditStateController] })
export class AuditStateModule {}
