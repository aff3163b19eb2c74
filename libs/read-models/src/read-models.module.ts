import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { READ_MODEL_TABLES } from './tables';

/** The read models' repositories, injectable in every module of the process that imports this once. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature(READ_MODEL_TABLES)],
  exports: [TypeOrmModule],
})
export class ReadModelsModule {}
