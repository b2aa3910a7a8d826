-- Every organization gets a unique slug (Infisical's clients name an organization by it). Existing
-- organizations get one from their name: lowercase letters and digits (common accented Latin
-- letters without their accents), every other run of characters one hyphen, "org" when nothing is
-- left. Later organizations whose name gives a slug already given get "-2", "-3", …; should that
-- still collide (a name such as "Acme 2"), the later one gets its id instead.
ALTER TABLE "organizations" ADD COLUMN "slug" TEXT;

WITH derived AS (
    SELECT "id", "createdAt",
           COALESCE(NULLIF(trim(BOTH '-' FROM left(regexp_replace(
               translate(lower("name"), 'àáâãäåçèéêëìíîïñòóôõöøùúûüýÿ', 'aaaaaaceeeeiiiinoooooouuuuyy'),
               '[^a-z0-9]+', '-', 'g'), 56)), ''), 'org') AS "base"
    FROM "organizations"
), numbered AS (
    SELECT "id", "base", row_number() OVER (PARTITION BY "base" ORDER BY "createdAt", "id") AS "n"
    FROM derived
)
UPDATE "organizations" AS o
SET "slug" = CASE WHEN numbered."n" = 1 THEN numbered."base" ELSE numbered."base" || '-' || numbered."n" END
FROM numbered
WHERE o."id" = numbered."id";

UPDATE "organizations" AS o
SET "slug" = rtrim(left(o."slug", 31), '-') || '-' || replace(o."id"::text, '-', '')
WHERE EXISTS (
    SELECT 1 FROM "organizations" AS e
    WHERE e."slug" = o."slug" AND (e."createdAt", e."id") < (o."createdAt", o."id")
);

ALTER TABLE "organizations" ALTER COLUMN "slug" SET NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "organizations_slug_key" ON "organizations"("slug");
