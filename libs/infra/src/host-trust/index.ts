export * from './agent-keys';
export * from './host-command-signature';
export * from './host-report-signature';
export * from './host-seal';
export * from './public-keys';
export * from './signed-payload';
