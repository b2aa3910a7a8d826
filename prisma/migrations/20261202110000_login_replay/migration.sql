-- Replay protection of OCI logins: each signature logs in at most once. A row is kept until
-- its signed date is outside the accepted clock skew (then the login is refused anyway).
-- CreateTable
CREATE TABLE "oci_login_signatures" (
    "signatureHash" TEXT NOT NULL,
    "forgetAfter" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "oci_login_signatures_pkey" PRIMARY KEY ("signatureHash")
);

-- CreateIndex
CREATE INDEX "oci_login_signatures_forgetAfter_idx" ON "oci_login_signatures"("forgetAfter");
