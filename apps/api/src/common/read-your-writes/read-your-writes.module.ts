import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ReadYourWritesInterceptor } from './read-your-writes.interceptor';

/** Every route of the API answers with, or waits for, log positions (ReadYourWritesInterceptor). */
@Module({ providers: [{ provide: APP_INTERCEPTOR, useClass: ReadYourWritesInterceptor }] })
export class ReadYourWritesModule {}
