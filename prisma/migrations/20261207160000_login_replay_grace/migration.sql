-- Concurrent identical logins: OCI's `date` header has one-second resolution and RSA PKCS#1 v1.5
-- signs deterministically, so one key signs identical headers for every login in the same second
-- (the External Secrets Operator and the Go SDK log in that way, without retrying a 401). The same
-- signature is accepted again from the address that first used it, within 2 seconds of that first
-- use ("createdAt"); from any other address, or later, it stays a replay.
ALTER TABLE "oci_login_signatures" ADD COLUMN "firstIp" TEXT;
-- How many times it was accepted again: a first use that OCI never judged (unreachable) is
-- forgotten only while nobody else relied on it.
ALTER TABLE "oci_login_signatures" ADD COLUMN "reuses" INTEGER NOT NULL DEFAULT 0;
