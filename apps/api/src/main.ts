import 'reflect-metadata';
import { runHttpApp } from '@ops/infra/runtime/run-http-app';
import { ApiAppModule } from './app.module';

void runHttpApp({
  name: 'ops-center-api',
  rootModule: (config) => ApiAppModule.forRoot(config),
  mode: 'distributed',
});
