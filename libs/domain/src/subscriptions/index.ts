export * from './subscription-plans';
