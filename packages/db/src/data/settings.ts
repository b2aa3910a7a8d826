import type { DbClient } from "../client";

export async function getSetting(db: DbClient, key: string): Promise<string | null> {
  const row = await db.instanceSetting.findUnique({ where: { key } });
  return row?.value ?? null;
}

/** Inserts the value unless the key exists; returns the stored value either way (first writer wins). */
export async function getOrCreateSetting(db: DbClient, key: string, value: string): Promise<string> {
  await db.$executeRaw`INSERT INTO instance_settings (key, value) VALUES (${key}, ${value}) ON CONFLICT (key) DO NOTHING`;
  const stored = await getSetting(db, key);
  if (stored === null) throw new Error(`instance setting ${key} vanished`);
  return stored;
}
