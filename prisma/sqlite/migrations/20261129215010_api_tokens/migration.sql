-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organizationId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "lastUsedAt" DATETIME,
    "revokedAt" DATETIME,
    "revokedById" TEXT,
    CONSTRAINT "ApiToken_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "ApiToken_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "Profile" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "ApiToken_revokedById_fkey" FOREIGN KEY ("revokedById") REFERENCES "Profile" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_AuditEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "action" TEXT NOT NULL,
    "actorIdentityId" TEXT,
    "actorProfileId" TEXT,
    "actorApiTokenId" TEXT,
    "actorDisplayName" TEXT,
    "actorRole" TEXT NOT NULL,
    "organizationId" TEXT,
    "targetProfileId" TEXT,
    "targetType" TEXT,
    "targetId" TEXT,
    "summary" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    CONSTRAINT "AuditEvent_actorIdentityId_fkey" FOREIGN KEY ("actorIdentityId") REFERENCES "Identity" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "AuditEvent_actorProfileId_fkey" FOREIGN KEY ("actorProfileId") REFERENCES "Profile" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "AuditEvent_actorApiTokenId_fkey" FOREIGN KEY ("actorApiTokenId") REFERENCES "ApiToken" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "AuditEvent_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "AuditEvent_targetProfileId_fkey" FOREIGN KEY ("targetProfileId") REFERENCES "Profile" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_AuditEvent" ("action", "actorDisplayName", "actorIdentityId", "actorProfileId", "actorRole", "after", "at", "before", "id", "organizationId", "summary", "targetId", "targetProfileId", "targetType") SELECT "action", "actorDisplayName", "actorIdentityId", "actorProfileId", "actorRole", "after", "at", "before", "id", "organizationId", "summary", "targetId", "targetProfileId", "targetType" FROM "AuditEvent";
DROP TABLE "AuditEvent";
ALTER TABLE "new_AuditEvent" RENAME TO "AuditEvent";
CREATE INDEX "AuditEvent_organizationId_at_idx" ON "AuditEvent"("organizationId", "at");
CREATE INDEX "AuditEvent_targetProfileId_at_idx" ON "AuditEvent"("targetProfileId", "at");
CREATE INDEX "AuditEvent_actorApiTokenId_idx" ON "AuditEvent"("actorApiTokenId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_secretHash_key" ON "ApiToken"("secretHash");

-- CreateIndex
CREATE INDEX "ApiToken_organizationId_createdAt_idx" ON "ApiToken"("organizationId", "createdAt");

-- CreateIndex
CREATE INDEX "ApiToken_createdById_idx" ON "ApiToken"("createdById");

-- CreateIndex
CREATE INDEX "ApiToken_revokedById_idx" ON "ApiToken"("revokedById");

-- Guards written by hand (see 20261129191054_guards_and_email_changes for why triggers on SQLite).

-- Rebuilding AuditEvent above dropped its trigger: the audit role is one of the AuditRole values.
CREATE TRIGGER "AuditEvent_actorRole_check" BEFORE INSERT ON "AuditEvent"
WHEN NEW."actorRole" NOT IN ('ADMIN', 'PARTNER', 'SUPPORT', 'SELF', 'SYSTEM')
BEGIN SELECT RAISE(ABORT, 'AuditEvent_actorRole_check'); END;

-- A token's role is an ApiTokenRole value, and it expires after its creation and within a (calendar) year of it.
CREATE TRIGGER "ApiToken_check_insert" BEFORE INSERT ON "ApiToken"
WHEN NEW."role" NOT IN ('SUPPORT', 'PARTNER', 'ADMIN', 'MEMBER')
  OR julianday(NEW."expiresAt") <= julianday(NEW."createdAt")
  OR julianday(NEW."expiresAt") > julianday(NEW."createdAt") + 366
BEGIN SELECT RAISE(ABORT, 'ApiToken_check'); END;
CREATE TRIGGER "ApiToken_check_update" BEFORE UPDATE OF "role", "expiresAt", "createdAt" ON "ApiToken"
WHEN NEW."role" NOT IN ('SUPPORT', 'PARTNER', 'ADMIN', 'MEMBER')
  OR julianday(NEW."expiresAt") <= julianday(NEW."createdAt")
  OR julianday(NEW."expiresAt") > julianday(NEW."createdAt") + 366
BEGIN SELECT RAISE(ABORT, 'ApiToken_check'); END;

-- One unrevoked token per (organization, name).
CREATE TRIGGER "ApiToken_one_name_per_organization_insert" BEFORE INSERT ON "ApiToken"
WHEN NEW."revokedAt" IS NULL
  AND EXISTS (SELECT 1 FROM "ApiToken" WHERE "organizationId" = NEW."organizationId" AND "name" = NEW."name" AND "revokedAt" IS NULL)
BEGIN SELECT RAISE(ABORT, 'ApiToken_one_name_per_organization'); END;
CREATE TRIGGER "ApiToken_one_name_per_organization_update" BEFORE UPDATE ON "ApiToken"
WHEN NEW."revokedAt" IS NULL
  AND EXISTS (SELECT 1 FROM "ApiToken" WHERE "organizationId" = NEW."organizationId" AND "name" = NEW."name" AND "id" <> NEW."id" AND "revokedAt" IS NULL)
BEGIN SELECT RAISE(ABORT, 'ApiToken_one_name_per_organization'); END;
