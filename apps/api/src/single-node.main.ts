import 'reflect-metadata';
import { runHttpApp } from '@ops/infra/runtime/run-http-app';
import { SingleNodeModule } from './single-node.module';

void runHttpApp({
  name: 'ops-center',
  rootModule: (config) => SingleNodeModule.forRoot(config),
  mode: 'single-node',
});
