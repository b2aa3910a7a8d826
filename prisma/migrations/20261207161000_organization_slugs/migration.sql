-- Every organization gets a unique slug (Infisical's clients name an organization by it). Existing
-- organizations get one from their name: lowercase letters and digits, every other run of
-- characters one hyphen ("org" when nothing is left); when two names give the same slug, the
-- later organizations add the first characters of their id.
ALTER TABLE "organizations" ADD COLUMN "slug" TEXT;

WITH derived AS (
    SELECT "id", "createdAt",
           COALESCE(NULLIF(trim(BOTH '-' FROM left(regexp_replace(lower("name"), '[^a-z0-9]+', '-', 'g'), 56)), ''), 'org') AS "base"
    FROM "organizations"
), numbered AS (
    SELECT "id", "base", row_number() OVER (PARTITION BY "base" ORDER BY "createdAt", "id") AS "n"
    FROM derived
)
UPDATE "organizations" AS o
SET "slug" = CASE WHEN numbered."n" = 1 THEN numbered."base" ELSE numbered."base" || '-' || left(replace(o."id"::text, '-', ''), 7) END
FROM numbered
WHERE o."id" = numbered."id";

ALTER TABLE "organizations" ALTER COLUMN "slug" SET NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "organizations_slug_key" ON "organizations"("slug");
