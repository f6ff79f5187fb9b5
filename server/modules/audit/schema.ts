// Audit events as the API shows them: reachable only through Organization.auditEvents (managers) and node(id).
import { builder } from '../../graphql/builder.js';

export const AuditEvent = builder.prismaNode('AuditEvent', {
  id: { field: 'id' },
  description: 'Who changed what, acting as which profile, and when (R11).',
  fields: (t) => ({
    at: t.expose('at', { type: 'DateTime' }),
    action: t.exposeString('action', { description: 'A stable verb such as profile.add, profile.revokeAdministrator or invitation.send.' }),
    actorDisplayName: t.exposeString('actorDisplayName', { nullable: true }),
    actorRole: t.exposeString('actorRole', { description: 'ADMIN, PARTNER, SUPPORT, SELF or SYSTEM.' }),
    organization: t.relation('organization', { nullable: true }),
    targetProfile: t.relation('targetProfile', { nullable: true }),
    targetType: t.exposeString('targetType', { nullable: true }),
    summary: t.exposeString('summary', { description: 'One line a person can read.' }),
    before: t.string({
      nullable: true,
      description: 'The changed fields before the change, as a JSON object.',
      select: { before: true },
      resolve: (event) => (event.before === null ? null : JSON.stringify(event.before)),
    }),
    after: t.string({
      nullable: true,
      description: 'The changed fields after the change, as a JSON object.',
      select: { after: true },
      resolve: (event) => (event.after === null ? null : JSON.stringify(event.after)),
    }),
  }),
});
