-- CreateEnum
CREATE TYPE "ApiTokenRole" AS ENUM ('SUPPORT', 'PARTNER', 'ADMIN', 'MEMBER');

-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "actorApiTokenId" TEXT;

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "ApiTokenRole" NOT NULL,
    "secretHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "revokedById" TEXT,

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_secretHash_key" ON "ApiToken"("secretHash");

-- CreateIndex
CREATE INDEX "ApiToken_organizationId_createdAt_idx" ON "ApiToken"("organizationId", "createdAt");

-- CreateIndex
CREATE INDEX "ApiToken_createdById_idx" ON "ApiToken"("createdById");

-- CreateIndex
CREATE INDEX "ApiToken_revokedById_idx" ON "ApiToken"("revokedById");

-- CreateIndex
CREATE INDEX "AuditEvent_actorApiTokenId_idx" ON "AuditEvent"("actorApiTokenId");

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_actorApiTokenId_fkey" FOREIGN KEY ("actorApiTokenId") REFERENCES "ApiToken"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "Profile"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_revokedById_fkey" FOREIGN KEY ("revokedById") REFERENCES "Profile"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Guards written by hand (see 20261129191054_guards_and_email_changes for why triggers stand in for CHECKs).

-- One unrevoked token per (organization, name).
CREATE UNIQUE INDEX "ApiToken_one_name_per_organization" ON "ApiToken"("organizationId", "name")
  WHERE "revokedAt" IS NULL;

-- A token expires after its creation and within a (calendar) year of it.
CREATE FUNCTION "ApiToken_check"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."expiresAt" <= NEW."createdAt" OR NEW."expiresAt" > NEW."createdAt" + interval '366 days' THEN
    RAISE EXCEPTION 'ApiToken_check' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "ApiToken_check" BEFORE INSERT OR UPDATE ON "ApiToken" FOR EACH ROW EXECUTE FUNCTION "ApiToken_check"();
