// Audit events as the API shows them: reachable only through Organization.auditEvents (managers) and node(id).
import { builder } from '../../graphql/builder.js';
import { AUDIT_ACTIONS, type AuditAction as AuditActionValue } from './service.js';

export const AuditAction = builder.enumType('AuditAction', {
  description: 'What an audit event records.',
  values: AUDIT_ACTIONS,
});

const ActorRole = builder.enumType('ActorRole', {
  description: 'In which capacity the actor of an audit event acted.',
  values: {
    ADMIN: { description: 'A customer administrator, in their own organization.' },
    PARTNER: { description: 'A partner administrator, for the partner or a customer it serves.' },
    SUPPORT: { description: 'Vendor support.' },
    SELF: { description: 'A person acting on their own profile.' },
    SYSTEM: { description: 'Portico itself, or a person identified only by a link they opened.' },
  } as const,
});

export const AuditEvent = builder.prismaNode('AuditEvent', {
  id: { field: 'id' },
  description: 'Who changed what, acting as which profile, and when (R11).',
  fields: (t) => ({
    at: t.expose('at', { type: 'DateTime', description: 'When it happened.' }),
    // Written only through AuditInput, whose action is an AuditAction.
    action: t.field({ type: AuditAction, description: 'What happened.', select: { action: true }, resolve: (event) => event.action as AuditActionValue }),
    actorDisplayName: t.exposeString('actorDisplayName', { nullable: true, description: 'Who did it, by name as it was then; null for Portico itself.' }),
    actorRole: t.expose('actorRole', { type: ActorRole, description: 'In which capacity they acted.' }),
    organization: t.relation('organization', { nullable: true, description: 'The organization it concerns, if any.' }),
    targetProfile: t.relation('targetProfile', { nullable: true, description: 'The profile it concerns, if any.' }),
    targetType: t.exposeString('targetType', { nullable: true, description: 'The kind of object it concerns (Profile, Invitation, Organization…), if any.' }),
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
