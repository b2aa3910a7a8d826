-- Access tokens are signed with ES256 keys the service generates (kid = id). Private keys are kept
-- only wrapped (AES-256-GCM) under keys derived from the root secret (AUTH_SECRET): one wrap per
-- root secret, so a rolling change of AUTH_SECRET re-wraps them while old instances keep signing.
-- A legacy HS256 key (the secret tokens were signed with before) is kept the same way, never published.
CREATE TABLE "signing_keys" (
    "id" TEXT NOT NULL,
    "alg" TEXT NOT NULL,
    "publicJwk" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "signing_keys_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "signing_key_wraps" (
    "keyId" TEXT NOT NULL,
    "secretId" TEXT NOT NULL,
    "ciphertext" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "signing_key_wraps_pkey" PRIMARY KEY ("keyId", "secretId")
);

ALTER TABLE "signing_key_wraps" ADD CONSTRAINT "signing_key_wraps_keyId_fkey" FOREIGN KEY ("keyId") REFERENCES "signing_keys"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The key-check values of the root secrets the keys are wrapped under (derived with HKDF, not the secret).
CREATE TABLE "root_secrets" (
    "id" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "root_secrets_pkey" PRIMARY KEY ("id")
);

-- Which key signed a token's current JWT (null: before signing keys, the legacy HS256 secret).
ALTER TABLE "identity_access_tokens" ADD COLUMN "signingKeyId" TEXT;
ALTER TABLE "user_sessions" ADD COLUMN "signingKeyId" TEXT;
CREATE INDEX "identity_access_tokens_signingKeyId_idx" ON "identity_access_tokens"("signingKeyId");

-- Audiences a login may ask a token for (besides this service, the default).
ALTER TABLE "identities" ADD COLUMN "allowedAudiences" JSONB NOT NULL DEFAULT '[]';

-- Every instance reloads its keys when one rotates (or re-wraps) them.
CREATE OR REPLACE FUNCTION ociauth_notify_signing_keys() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('ociauth_changes', 'signing-keys:');
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER signing_keys_notify_change
  AFTER INSERT OR UPDATE OR DELETE ON "signing_keys"
  FOR EACH STATEMENT EXECUTE FUNCTION ociauth_notify_signing_keys();

CREATE TRIGGER signing_key_wraps_notify_change
  AFTER INSERT OR UPDATE OR DELETE ON "signing_key_wraps"
  FOR EACH STATEMENT EXECUTE FUNCTION ociauth_notify_signing_keys();

-- Tokens carry their organization's slug: a renamed organization reaches every instance's auth cache.
CREATE OR REPLACE FUNCTION ociauth_notify_organization() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('ociauth_changes', 'organization:' || NEW."id");
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER organizations_notify_update
  AFTER UPDATE ON "organizations"
  FOR EACH ROW WHEN (OLD."slug" IS DISTINCT FROM NEW."slug")
  EXECUTE FUNCTION ociauth_notify_organization();
