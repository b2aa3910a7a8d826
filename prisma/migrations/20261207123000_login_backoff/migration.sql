-- Per-account back-off of password logins: how many attempts an account (the SHA-256 of its
-- email, known or not) has had since its last successful login, and when the next one may start.
-- In the database so the back-off holds across app instances.
-- CreateTable
CREATE TABLE "login_backoffs" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL,
    "nextAttemptAt" TIMESTAMPTZ(6) NOT NULL,
    "lastAttemptAt" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "login_backoffs_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "login_backoffs_lastAttemptAt_idx" ON "login_backoffs"("lastAttemptAt");
