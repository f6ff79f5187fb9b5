// A vendor's whole customer base, generated inside PostgreSQL (INSERT … SELECT generate_series, no round trip per
// row): `profiles` profiles in profiles/10 organizations, of which three large ones hold profiles/40 people each, a
// partner serving about 500 customers, one plan per organization (one in ten ended), an invitation per profile in
// every state, two audit events per profile (a third of them in the first large organization), half the profiles
// linked to an identity of their own, and one address with three profiles (THREE_PROFILE_EMAIL).
// Used by test/scale/explain-postgres.test.ts (150,000 profiles by default).
import pg from 'pg';

export const THREE_PROFILE_EMAIL = 'three@scale.example';
/** The first large organization, the partner, and a profile e-mail prefix that matches a handful of people. */
export const SCALE_IDS = { largeOrganization: 'so1', partner: 'so200', searchPrefix: 'person12345' } as const;

export async function generateScaleData(databaseUrl: string, profiles: number): Promise<void> {
  const organizations = Math.max(10, Math.floor(profiles / 10));
  const large = Math.floor(profiles / 40);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const run = (sql: string) => client.query(sql);
    await run('BEGIN');
    await run(`INSERT INTO "Organization" ("id", "name", "kind", "accountNumber", "region", "partnerId", "createdAt", "updatedAt")
      SELECT 'so' || n, 'Scale Organization ' || n,
        (CASE WHEN n % 200 = 0 THEN 'PARTNER' ELSE 'CUSTOMER' END)::"OrganizationKind",
        CASE WHEN n % 200 = 0 THEN NULL ELSE (500000 + n)::text END, 'EU',
        CASE WHEN n % 200 <> 0 AND n BETWEEN 2 AND 600 THEN 'so200' END, now(), now()
      FROM generate_series(1, ${organizations}) AS n`);
    await run(`INSERT INTO "ServicePlan" ("id", "organizationId", "name", "startsOn", "endsOn", "createdAt", "updatedAt")
      SELECT 'sp' || n, 'so' || n, 'Support', '2000-01-01', CASE WHEN n % 10 = 7 THEN '2001-01-01' ELSE '2999-12-31' END, now(), now()
      FROM generate_series(1, ${organizations}) AS n WHERE n % 200 <> 0`);
    await run(`INSERT INTO "Identity" ("id", "provider", "issuer", "subject", "email", "displayName", "createdAt", "updatedAt")
      SELECT 'si' || n, 'personal', 'https://scale.example', 'subject-' || n, 'person' || n || '@scale.example', 'Person ' || n, now(), now()
      FROM generate_series(1, ${profiles}) AS n WHERE n % 2 = 0`);
    // Profiles 1..3*large fill the three large organizations; the rest spread over the others.
    await run(`INSERT INTO "Profile" ("id", "organizationId", "givenName", "familyName", "email", "activeEmail", "isAdministrator", "status", "identityId", "createdAt", "updatedAt")
      SELECT 'sx' || n, 'so' || o, 'Given' || (n % 97), 'Family' || (n % 1013),
        CASE WHEN n > ${profiles - 3} THEN '${THREE_PROFILE_EMAIL}' ELSE 'person' || n || '@scale.example' END,
        CASE WHEN n % 50 = 3 THEN NULL WHEN n > ${profiles - 3} THEN '${THREE_PROFILE_EMAIL}' ELSE 'person' || n || '@scale.example' END,
        n % 25 = 1, (CASE WHEN n % 50 = 3 THEN 'REMOVED' ELSE 'ACTIVE' END)::"ProfileStatus",
        CASE WHEN n % 2 = 0 AND n <= ${profiles - 3} THEN 'si' || n END, now() - (n || ' seconds')::interval, now()
      FROM (SELECT n, CASE WHEN n <= ${3 * large} THEN (n - 1) / ${large} + 1 ELSE 4 + n % ${organizations - 3} END AS o
            FROM generate_series(1, ${profiles}) AS n) AS p`);
    await run(`INSERT INTO "Invitation" ("id", "profileId", "purpose", "tokenHash", "sentTo", "expiresAt", "acceptedAt", "revokedAt", "replacedAt", "createdAt")
      SELECT 'sv' || n, 'sx' || n, 'INVITATION'::"InvitationPurpose", md5('scale' || n), 'person' || n || '@scale.example',
        now() + CASE WHEN n % 5 = 3 THEN interval '-1 day' ELSE interval '7 days' END,
        CASE WHEN n % 5 = 0 THEN now() END, CASE WHEN n % 5 = 1 THEN now() END, CASE WHEN n % 5 = 2 THEN now() END,
        now() - (n || ' seconds')::interval
      FROM generate_series(1, ${profiles}) AS n`);
    await run(`INSERT INTO "AuditEvent" ("id", "at", "action", "actorRole", "actorDisplayName", "organizationId", "targetProfileId", "summary")
      SELECT 'sa' || n, now() - (n || ' seconds')::interval, 'profile.add', 'ADMIN'::"AuditRole", 'Scale Admin',
        CASE WHEN n % 3 = 0 THEN 'so1' ELSE 'so' || (4 + n % ${organizations - 3}) END,
        'sx' || (1 + n % ${profiles}), 'Scale Admin added someone'
      FROM generate_series(1, ${2 * profiles}) AS n`);
    await run('COMMIT');
    // What autovacuum does to a live database after a bulk load (our test servers run with it off): statistics, the
    // visibility map (counts read the index alone) and GIN pending lists merged (a search otherwise reads the whole
    // list of rows inserted since, and the planner prices it so). Without it the plans are those of a database no
    // one runs.
    await run('VACUUM ANALYZE');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}
