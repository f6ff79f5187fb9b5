-- CreateIndex
CREATE INDEX "Profile_organizationId_familyName_givenName_id_idx" ON "Profile"("organizationId", "familyName", "givenName", "id");
