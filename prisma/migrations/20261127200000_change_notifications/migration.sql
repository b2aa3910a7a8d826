-- Change notifications for the in-process auth caches of every app instance (LISTEN ociauth_changes).
-- Sent at commit, by any writer. Counter updates of tokens (uses, last use) are not announced.
CREATE OR REPLACE FUNCTION ociauth_notify_change() RETURNS trigger AS $$
DECLARE
  row_data RECORD;
BEGIN
  IF TG_OP = 'DELETE' THEN row_data := OLD; ELSE row_data := NEW; END IF;
  IF TG_TABLE_NAME = 'identities' THEN
    PERFORM pg_notify('ociauth_changes', 'identity:' || row_data."id");
  ELSIF TG_TABLE_NAME = 'identity_oci_auths' THEN
    PERFORM pg_notify('ociauth_changes', 'identity:' || row_data."identityId");
  ELSIF TG_TABLE_NAME = 'identity_access_tokens' THEN
    PERFORM pg_notify('ociauth_changes', 'token:' || row_data."id");
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER identities_notify_change
  AFTER UPDATE OR DELETE ON "identities"
  FOR EACH ROW EXECUTE FUNCTION ociauth_notify_change();

CREATE TRIGGER identity_oci_auths_notify_change
  AFTER INSERT OR UPDATE OR DELETE ON "identity_oci_auths"
  FOR EACH ROW EXECUTE FUNCTION ociauth_notify_change();

CREATE TRIGGER identity_access_tokens_notify_update
  AFTER UPDATE ON "identity_access_tokens"
  FOR EACH ROW
  WHEN (OLD."revokedAt" IS DISTINCT FROM NEW."revokedAt" OR OLD."expiresAt" IS DISTINCT FROM NEW."expiresAt")
  EXECUTE FUNCTION ociauth_notify_change();

CREATE TRIGGER identity_access_tokens_notify_delete
  AFTER DELETE ON "identity_access_tokens"
  FOR EACH ROW EXECUTE FUNCTION ociauth_notify_change();
