import 'reflect-metadata';
import { runHttpApp } from '@ops/infra/runtime/run-http-app';
import { ProjectorAppModule } from './app.module';

void runHttpApp({
  name: 'ops-center-projector',
  rootModule: (config) => ProjectorAppModule.forRoot(config),
  mode: 'distributed',
});
