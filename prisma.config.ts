// The Prisma CLI reads this file. The schema folder follows DATABASE_URL: PostgreSQL for postgresql:// URLs,
// SQLite otherwise. Migrations are applied by `npm run migrate` (server/db/migrate.ts), not by the CLI,
// because the CLI needs a native engine it cannot download on our machines.
import { defineConfig } from 'prisma/config';

const url = process.env.DATABASE_URL ?? 'file:./data/portico.db';
const provider = /^postgres(ql)?:\/\//.test(url) ? 'postgresql' : 'sqlite';

export default defineConfig({
  schema: `prisma/${provider}`,
  migrations: { path: `prisma/${provider}/migrations` },
  datasource: { url },
});
