/** Runs one statement and returns its rows (PGlite's query, or a pg client's). */
export type RowQuery = <Row>(sql: string) => Promise<Row[]>;

export interface Inventory {
  migrations: string[];
  tables: Record<string, number>;
}

/** The applied migrations and the exact row count of every table in the public schema. */
export async function takeInventory(query: RowQuery): Promise<Inventory> {
  const tableRows = await query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
  );
  const tables: Record<string, number> = {};
  for (const { name } of tableRows) {
    const [row] = await query<{ n: number }>(`SELECT count(*)::int AS n FROM "public"."${name.replaceAll('"', '""')}"`);
    tables[name] = Number(row?.n ?? 0);
  }
  const migrations = tables._prisma_migrations
    ? (
        await query<{ name: string }>(
          `SELECT migration_name AS name FROM "public"."_prisma_migrations"
           WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
        )
      ).map((row) => row.name)
    : [];
  return { migrations, tables };
}
