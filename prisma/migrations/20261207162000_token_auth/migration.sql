-- Token Auth: an operator attaches it to an identity and mints named access tokens for it
-- (Infisical's identity_token_auths). Tokens get an optional name (set at creation, renamed later).
-- CreateTable
CREATE TABLE "identity_token_auths" (
    "id" UUID NOT NULL,
    "identityId" UUID NOT NULL,
    "accessTokenTTL" INTEGER NOT NULL,
    "accessTokenMaxTTL" INTEGER NOT NULL,
    "accessTokenNumUsesLimit" INTEGER NOT NULL,
    "accessTokenTrustedIps" JSONB NOT NULL,
    "accessTokenPeriod" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "identity_token_auths_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "identity_token_auths_identityId_key" ON "identity_token_auths"("identityId");

-- AddForeignKey
ALTER TABLE "identity_token_auths" ADD CONSTRAINT "identity_token_auths_identityId_fkey" FOREIGN KEY ("identityId") REFERENCES "identities"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AlterTable
ALTER TABLE "identity_access_tokens" ADD COLUMN "name" TEXT;

-- The auth caches of every instance hear of Token Auth changes like OCI auth ones (its trusted IPs
-- apply to tokens already issued).
CREATE OR REPLACE FUNCTION ociauth_notify_change() RETURNS trigger AS $$
DECLARE
  row_data RECORD;
BEGIN
  IF TG_OP = 'DELETE' THEN row_data := OLD; ELSE row_data := NEW; END IF;
  IF TG_TABLE_NAME = 'identities' THEN
    PERFORM pg_notify('ociauth_changes', 'identity:' || row_data."id");
  ELSIF TG_TABLE_NAME = 'identity_oci_auths' OR TG_TABLE_NAME = 'identity_token_auths' THEN
    PERFORM pg_notify('ociauth_changes', 'identity:' || row_data."identityId");
  ELSIF TG_TABLE_NAME = 'identity_access_tokens' THEN
    PERFORM pg_notify('ociauth_changes', 'token:' || row_data."id");
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER identity_token_auths_notify_change
  AFTER INSERT OR UPDATE OR DELETE ON "identity_token_auths"
  FOR EACH ROW EXECUTE FUNCTION ociauth_notify_change();
