-- CreateTable
CREATE TABLE "EmailChange" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "profileId" TEXT NOT NULL,
    "newEmail" TEXT NOT NULL,
    "previousEmail" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "cancelTokenHash" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "confirmedAt" DATETIME,
    "cancelledAt" DATETIME,
    "requestedByIdentityId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "EmailChange_profileId_fkey" FOREIGN KEY ("profileId") REFERENCES "Profile" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "EmailChange_tokenHash_key" ON "EmailChange"("tokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "EmailChange_cancelTokenHash_key" ON "EmailChange"("cancelTokenHash");

-- CreateIndex
CREATE INDEX "EmailChange_profileId_createdAt_idx" ON "EmailChange"("profileId", "createdAt");

-- Guards written by hand: Prisma's schema language has no partial indexes or CHECK constraints, and these are the
-- invariants a race or a slip in code could break. SQLite cannot add a CHECK to an existing table, so triggers
-- stand in for them. test/db/constraints.test.ts writes a bad row for each.

-- R5: one pending link per profile. Links left pending beside a newer one become replaced by it first.
UPDATE "Invitation" SET "replacedAt" = "createdAt"
WHERE "acceptedAt" IS NULL AND "revokedAt" IS NULL AND "replacedAt" IS NULL
  AND EXISTS (SELECT 1 FROM "Invitation" AS n
              WHERE n."profileId" = "Invitation"."profileId" AND n."acceptedAt" IS NULL AND n."revokedAt" IS NULL AND n."replacedAt" IS NULL
                AND (n."createdAt" > "Invitation"."createdAt" OR (n."createdAt" = "Invitation"."createdAt" AND n."id" > "Invitation"."id")));
-- (A trigger, not PostgreSQL's partial unique index: Prisma's SQLite schema describer fails on partial indexes. SQLite
-- runs one writer at a time, so the check cannot race.)
CREATE TRIGGER "Invitation_one_pending_per_profile_insert" BEFORE INSERT ON "Invitation"
WHEN NEW."acceptedAt" IS NULL AND NEW."revokedAt" IS NULL AND NEW."replacedAt" IS NULL
  AND EXISTS (SELECT 1 FROM "Invitation" WHERE "profileId" = NEW."profileId" AND "acceptedAt" IS NULL AND "revokedAt" IS NULL AND "replacedAt" IS NULL)
BEGIN SELECT RAISE(ABORT, 'Invitation_one_pending_per_profile'); END;
CREATE TRIGGER "Invitation_one_pending_per_profile_update" BEFORE UPDATE ON "Invitation"
WHEN NEW."acceptedAt" IS NULL AND NEW."revokedAt" IS NULL AND NEW."replacedAt" IS NULL
  AND EXISTS (SELECT 1 FROM "Invitation" WHERE "profileId" = NEW."profileId" AND "id" <> NEW."id" AND "acceptedAt" IS NULL AND "revokedAt" IS NULL AND "replacedAt" IS NULL)
BEGIN SELECT RAISE(ABORT, 'Invitation_one_pending_per_profile'); END;

-- One pending e-mail change per profile.
CREATE TRIGGER "EmailChange_one_pending_per_profile_insert" BEFORE INSERT ON "EmailChange"
WHEN NEW."confirmedAt" IS NULL AND NEW."cancelledAt" IS NULL
  AND EXISTS (SELECT 1 FROM "EmailChange" WHERE "profileId" = NEW."profileId" AND "confirmedAt" IS NULL AND "cancelledAt" IS NULL)
BEGIN SELECT RAISE(ABORT, 'EmailChange_one_pending_per_profile'); END;

-- A plan is two calendar days, the last not before the first (R1 compares them as text).
CREATE TRIGGER "ServicePlan_dates_check_insert" BEFORE INSERT ON "ServicePlan"
WHEN NEW."startsOn" NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' OR NEW."endsOn" NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' OR NEW."endsOn" < NEW."startsOn"
BEGIN SELECT RAISE(ABORT, 'ServicePlan_dates_check'); END;
CREATE TRIGGER "ServicePlan_dates_check_update" BEFORE UPDATE ON "ServicePlan"
WHEN NEW."startsOn" NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' OR NEW."endsOn" NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' OR NEW."endsOn" < NEW."startsOn"
BEGIN SELECT RAISE(ABORT, 'ServicePlan_dates_check'); END;

-- R4: e-mails trimmed and lower-cased; activeEmail is the e-mail exactly while the profile is ACTIVE.
CREATE TRIGGER "Profile_email_check_insert" BEFORE INSERT ON "Profile"
WHEN NEW."email" <> lower(trim(NEW."email"))
  OR NOT ((NEW."status" = 'ACTIVE' AND NEW."activeEmail" IS NOT NULL AND NEW."activeEmail" = NEW."email") OR (NEW."status" = 'REMOVED' AND NEW."activeEmail" IS NULL))
BEGIN SELECT RAISE(ABORT, 'Profile_activeEmail_check'); END;
CREATE TRIGGER "Profile_email_check_update" BEFORE UPDATE ON "Profile"
WHEN NEW."email" <> lower(trim(NEW."email"))
  OR NOT ((NEW."status" = 'ACTIVE' AND NEW."activeEmail" IS NOT NULL AND NEW."activeEmail" = NEW."email") OR (NEW."status" = 'REMOVED' AND NEW."activeEmail" IS NULL))
BEGIN SELECT RAISE(ABORT, 'Profile_activeEmail_check'); END;

-- The audit role is one of the AuditRole values (an enum on PostgreSQL).
CREATE TRIGGER "AuditEvent_actorRole_check" BEFORE INSERT ON "AuditEvent"
WHEN NEW."actorRole" NOT IN ('ADMIN', 'PARTNER', 'SUPPORT', 'SELF', 'SYSTEM')
BEGIN SELECT RAISE(ABORT, 'AuditEvent_actorRole_check'); END;
