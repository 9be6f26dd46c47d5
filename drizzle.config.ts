import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes SQL migrations for daemon/src/db/schema.ts into drizzle/.
// Hand-written migrations (extension, triggers, materialized view, initial data) are made with
// `npx drizzle-kit generate --custom --name=<name>`. No database is needed to generate.
export default defineConfig({
  dialect: 'postgresql',
  schema: './daemon/src/db/schema.ts',
  out: './drizzle',
  strict: true,
  verbose: true,
});
