-- CreateEnum
CREATE TYPE "AuditRole" AS ENUM ('ADMIN', 'PARTNER', 'SUPPORT', 'SELF', 'SYSTEM');

-- AlterTable (by hand: the generated DROP and ADD COLUMN would lose every audit row's role)
ALTER TABLE "AuditEvent" ALTER COLUMN "actorRole" TYPE "AuditRole" USING "actorRole"::"AuditRole";

-- CreateTable
CREATE TABLE "EmailChange" (
    "id" TEXT NOT NULL,
    "profileId" TEXT NOT NULL,
    "newEmail" TEXT NOT NULL,
    "previousEmail" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "cancelTokenHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "confirmedAt" TIMESTAMP(3),
    "cancelledAt" TIMESTAMP(3),
    "requestedByIdentityId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EmailChange_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "EmailChange_tokenHash_key" ON "EmailChange"("tokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "EmailChange_cancelTokenHash_key" ON "EmailChange"("cancelTokenHash");

-- CreateIndex
CREATE INDEX "EmailChange_profileId_createdAt_idx" ON "EmailChange"("profileId", "createdAt");

-- AddForeignKey
ALTER TABLE "EmailChange" ADD CONSTRAINT "EmailChange_profileId_fkey" FOREIGN KEY ("profileId") REFERENCES "Profile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Guards written by hand: Prisma's schema language has no partial indexes or CHECK constraints, and these are the
-- invariants a race or a slip in code could break. test/db/constraints.test.ts writes a bad row for each.

-- R5: one pending link per profile. Links left pending beside a newer one (the race this index now prevents)
-- become replaced by it first.
UPDATE "Invitation" AS i SET "replacedAt" = i."createdAt"
WHERE i."acceptedAt" IS NULL AND i."revokedAt" IS NULL AND i."replacedAt" IS NULL
  AND EXISTS (SELECT 1 FROM "Invitation" AS n
              WHERE n."profileId" = i."profileId" AND n."acceptedAt" IS NULL AND n."revokedAt" IS NULL AND n."replacedAt" IS NULL
                AND (n."createdAt" > i."createdAt" OR (n."createdAt" = i."createdAt" AND n."id" > i."id")));
CREATE UNIQUE INDEX "Invitation_one_pending_per_profile" ON "Invitation"("profileId")
  WHERE "acceptedAt" IS NULL AND "revokedAt" IS NULL AND "replacedAt" IS NULL;

-- One pending e-mail change per profile.
CREATE UNIQUE INDEX "EmailChange_one_pending_per_profile" ON "EmailChange"("profileId")
  WHERE "confirmedAt" IS NULL AND "cancelledAt" IS NULL;

-- CHECK constraints would be the natural form, but Prisma's schema describer cannot read them through the pg
-- adapter (it panics on the "char" constraint type), so the checks below are triggers, as on SQLite.

-- A plan is two calendar days, the last not before the first (R1 compares them as text).
CREATE FUNCTION "ServicePlan_dates_check"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."startsOn" !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' OR NEW."endsOn" !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' OR NEW."endsOn" < NEW."startsOn" THEN
    RAISE EXCEPTION 'ServicePlan_dates_check' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "ServicePlan_dates_check" BEFORE INSERT OR UPDATE ON "ServicePlan" FOR EACH ROW EXECUTE FUNCTION "ServicePlan_dates_check"();

-- R4: e-mails trimmed and lower-cased; activeEmail is the e-mail exactly while the profile is ACTIVE, so that the
-- unique (organizationId, activeEmail) index allows one ACTIVE profile per address.
CREATE FUNCTION "Profile_activeEmail_check"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."email" <> lower(btrim(NEW."email"))
     OR NOT ((NEW."status" = 'ACTIVE' AND NEW."activeEmail" IS NOT NULL AND NEW."activeEmail" = NEW."email")
             OR (NEW."status" = 'REMOVED' AND NEW."activeEmail" IS NULL)) THEN
    RAISE EXCEPTION 'Profile_activeEmail_check' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "Profile_activeEmail_check" BEFORE INSERT OR UPDATE ON "Profile" FOR EACH ROW EXECUTE FUNCTION "Profile_activeEmail_check"();
