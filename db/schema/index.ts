export * from './org';
export * from './audit';
export * from './idempotency';
