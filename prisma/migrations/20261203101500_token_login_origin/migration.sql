-- Who logged in with each token: the OCI user that signed the login (from the signature's keyId),
-- its OCI username, and the login's client address. Null for tokens issued before, and for the
-- bootstrap admin token.
-- AlterTable
ALTER TABLE "identity_access_tokens" ADD COLUMN "ociUserOcid" TEXT,
ADD COLUMN "ociUsername" TEXT,
ADD COLUMN "loginIp" TEXT;
