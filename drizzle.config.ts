import { defineConfig } from 'drizzle-kit';

// drizzle-kit only generates SQL here; the server applies db/migrations at start.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema/index.ts',
  out: './db/migrations',
  casing: 'snake_case',
});
