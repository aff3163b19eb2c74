export * from './keyset-page';
