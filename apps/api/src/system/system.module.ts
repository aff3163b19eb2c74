import { Module } from '@nestjs/common';
import { SystemController } from './system.controller';

/** What the node runs with, for admins: the effective configuration, secrets redacted. */
@Module({ controllers: [SystemController] })
export class SystemModule {}
