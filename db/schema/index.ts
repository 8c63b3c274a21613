export * from './org';
export * from './audit';
export * from './idempotency';
export * from './production';
export * from './storage';
export * from './sales';
