// One file per domain; drizzle-kit reads them all through this index.
export * from './ledger';
export * from './auth';
export * from './customers';
export * from './kyc';
export * from './accounts';
export * from './scheduled-payments';
export * from './events';
export * from './notifications';
export * from './fraud';
export * from './audit';
export * from './transfers';
