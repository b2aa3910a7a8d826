-- OCI-native workloads: which principals may log in (users with API keys, instances, resources),
-- from which compartments, as which principals and in which regions; who logged in with each
-- token; and the single-use challenges of the principal login.
-- AlterTable
ALTER TABLE "identity_oci_auths" ADD COLUMN "allowedPrincipalTypes" TEXT,
ADD COLUMN "allowedCompartmentOcids" TEXT,
ADD COLUMN "allowedPrincipalOcids" TEXT,
ADD COLUMN "allowedRegions" TEXT;

-- AlterTable
ALTER TABLE "identity_access_tokens" ADD COLUMN "ociPrincipalType" TEXT,
ADD COLUMN "ociPrincipalOcid" TEXT,
ADD COLUMN "ociCompartmentOcid" TEXT,
ADD COLUMN "ociRegion" TEXT;

-- CreateTable
CREATE TABLE "oci_login_challenges" (
    "challengeHash" TEXT NOT NULL,
    "identityId" UUID NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "consumedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "oci_login_challenges_pkey" PRIMARY KEY ("challengeHash")
);

-- CreateIndex
CREATE INDEX "oci_login_challenges_expiresAt_idx" ON "oci_login_challenges"("expiresAt");

-- AddForeignKey
ALTER TABLE "oci_login_challenges" ADD CONSTRAINT "oci_login_challenges_identityId_fkey" FOREIGN KEY ("identityId") REFERENCES "identities"("id") ON DELETE CASCADE ON UPDATE CASCADE;
