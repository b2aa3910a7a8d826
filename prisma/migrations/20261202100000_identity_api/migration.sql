-- Identity API: delete protection, metadata and the last login of each identity.
ALTER TABLE "identities" ADD COLUMN     "hasDeleteProtection" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "lastLoginAuthMethod" TEXT,
ADD COLUMN     "lastLoginTime" TIMESTAMPTZ(3),
ADD COLUMN     "metadata" JSONB NOT NULL DEFAULT '[]';

-- CreateIndex
CREATE INDEX "identities_orgId_name_idx" ON "identities"("orgId", "name");

-- The admin identity made by the first-run bootstrap is delete-protected (as new bootstraps make it).
UPDATE "identities" SET "hasDeleteProtection" = true
 WHERE "id"::text IN (SELECT "metadata"->>'identityId' FROM "audit_events" WHERE "eventType" = 'bootstrap-instance');

-- A login writes lastLoginAuthMethod/lastLoginTime on the identity row. That changes nothing the
-- auth caches hold, so only updates that change another column are announced to the instances.
DROP TRIGGER "identities_notify_change" ON "identities";

CREATE TRIGGER identities_notify_update
  AFTER UPDATE ON "identities"
  FOR EACH ROW
  WHEN ((to_jsonb(OLD) - 'lastLoginAuthMethod' - 'lastLoginTime') IS DISTINCT FROM (to_jsonb(NEW) - 'lastLoginAuthMethod' - 'lastLoginTime'))
  EXECUTE FUNCTION ociauth_notify_change();

CREATE TRIGGER identities_notify_delete
  AFTER DELETE ON "identities"
  FOR EACH ROW EXECUTE FUNCTION ociauth_notify_change();
