/**
 * The database's own settings, read from the environment here (Prisma's CLI, the migration script
 * and the server all open the database through this package) and checked by the same functions
 * in the server's configuration schema (@ociauth/api core/config.ts) before anything opens it.
 */
export const DEFAULT_DATABASE_POOL_SIZE = 10;
export const MAX_DATABASE_POOL_SIZE = 1000;

/** PostgreSQL connections per process, from `DATABASE_POOL_SIZE`: a whole number from 1 to 1000. */
export function databasePoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.DATABASE_POOL_SIZE?.trim() || String(DEFAULT_DATABASE_POOL_SIZE);
  const size = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(size >= 1 && size <= MAX_DATABASE_POOL_SIZE)) {
    throw new Error(`DATABASE_POOL_SIZE must be a whole number of connections from 1 to ${MAX_DATABASE_POOL_SIZE}, not "${value}"`);
  }
  return size;
}

/**
 * PGlite's shared buffers: its page cache, inside the process's WebAssembly heap, where every
 * page once touched stays resident. PostgreSQL's 128MB default put the embedded server at ~385 MB
 * idle; 16MB keeps it near 245 MB. Pages beyond it are read through the operating system's file
 * cache. `PGLITE_SHARED_BUFFERS` sets another size (1MB to 1GB) for a large embedded database.
 */
export const DEFAULT_PGLITE_SHARED_BUFFERS = "16MB";
const SIZE_KB: Record<string, number> = { kB: 1, MB: 1024, GB: 1024 * 1024 };

/** The shared buffers to start PGlite with, from `PGLITE_SHARED_BUFFERS`; a clear error for a value PostgreSQL would refuse. */
export function pgliteSharedBuffers(env: NodeJS.ProcessEnv = process.env): string {
  const value = env.PGLITE_SHARED_BUFFERS?.trim() || DEFAULT_PGLITE_SHARED_BUFFERS;
  const match = /^(\d+)(kB|MB|GB)$/.exec(value);
  const kb = match ? Number(match[1]) * SIZE_KB[match[2]!]! : NaN;
  if (!(kb >= 1024 && kb <= 1024 * 1024)) {
    throw new Error(`PGLITE_SHARED_BUFFERS must be a size from 1MB to 1GB such as 16MB or 128MB (kB, MB or GB), not "${value}".`);
  }
  return value;
}
