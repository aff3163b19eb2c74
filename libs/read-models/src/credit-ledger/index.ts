export * from './credit-balance.table';
export * from './credit-ledger.projection';
export * from './credit-transaction.table';
export * from './credit-ledger.queries';
