import type { StatementRunner } from "../client";

/**
 * `count` audit events of one organization in one statement (INSERT … SELECT over
 * generate_series), one second apart going back from now, each with `texts` metadata texts of
 * 1024 characters (the longest an audit text is kept): at 15 texts an event is as big as the
 * audit cap lets it be (about 15.5 KiB of metadata). For export and memory tests.
 */
export async function seedAuditEvents(execute: StatementRunner, { orgId, count, texts }: { orgId: string; count: number; texts: number }) {
  await execute(
    `INSERT INTO audit_events (id, "orgId", "eventType", "actorType", "actorId", "actorName", metadata, "ipAddress", "userAgent", "createdAt")
     SELECT gen_random_uuid(), $1::uuid, 'get-identity', 'user', 'seeded', 'seed@example.com',
            jsonb_build_object('n', n, 'texts', to_jsonb(array_fill(repeat('x', 1024), ARRAY[$3::int]))),
            '10.0.0.1', 'seed', now() - make_interval(secs => n)
       FROM generate_series(1, $2::int) AS n`,
    [orgId, count, texts],
  );
}
