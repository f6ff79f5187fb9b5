import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  signIns: Counter<'provider' | 'outcome'>;
  mailDeliveries: Counter<'kind' | 'outcome'>;
  outboxPending: Gauge;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'portico_' });
  return {
    registry,
    signIns: new Counter({ name: 'portico_sign_ins_total', help: 'Sign-ins by account provider and outcome', labelNames: ['provider', 'outcome'], registers: [registry] }),
    mailDeliveries: new Counter({ name: 'portico_mail_deliveries_total', help: 'Delivery attempts by mail kind and outcome (sent, retry, failed)', labelNames: ['kind', 'outcome'], registers: [registry] }),
    outboxPending: new Gauge({ name: 'portico_outbox_pending', help: 'E-mails waiting in the outbox', registers: [registry] }),
  };
}
