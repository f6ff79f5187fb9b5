-- Written by hand, PostgreSQL only: trigram indexes for the searches that match part of a text (ILIKE '%…%'), which
-- no B-tree serves. The Prisma models are shared with SQLite and cannot declare an extension or a GIN operator class,
-- so server/db/schema-engine.ts (HAND_WRITTEN_INDEXES) tells the drift check about these. Both extensions are
-- trusted (PostgreSQL 13+): the database owner may create them without superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- organizations(search:): part of the name or of the account number, over every organization support may see.
CREATE INDEX "Organization_name_trgm_idx" ON "Organization" USING GIN ("name" gin_trgm_ops);
CREATE INDEX "Organization_accountNumber_trgm_idx" ON "Organization" USING GIN ("accountNumber" gin_trgm_ops);

-- Organization.profiles(search:): part of a given name, family name or e-mail, within one organization. The
-- organization is a key of the same GIN index (btree_gin), so a search intersects the organization's entries with
-- the text's trigrams: e-mails share trigrams by the million ("per", "@ex…"), and a trigram-only index read them all.
CREATE INDEX "Profile_organizationId_givenName_trgm_idx" ON "Profile" USING GIN ("organizationId", "givenName" gin_trgm_ops);
CREATE INDEX "Profile_organizationId_familyName_trgm_idx" ON "Profile" USING GIN ("organizationId", "familyName" gin_trgm_ops);
CREATE INDEX "Profile_organizationId_email_trgm_idx" ON "Profile" USING GIN ("organizationId", "email" gin_trgm_ops);
