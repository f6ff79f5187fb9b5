-- AlterTable (by hand: the generated DROP and ADD COLUMN would lose every audit row's before and after)
ALTER TABLE "AuditEvent" ALTER COLUMN "before" TYPE JSONB USING "before"::jsonb,
ALTER COLUMN "after" TYPE JSONB USING "after"::jsonb;
