export * from './disconnect';
export * from './idempotent-producer';
export * from './kafka-client';
export * from './kafka-logging';
export * from './topics';
export * from './kafka-security';
