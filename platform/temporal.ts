import { Client, Connection } from '@temporalio/client';
import { temporalClientInterceptors } from './telemetry-temporal';

export interface TemporalOptions {
  address: string;
  namespace: string;
  apiKey?: string;
  tls?: boolean;
}

export async function connectTemporalClient(opts: TemporalOptions): Promise<Client> {
  const connection = await Connection.connect({
    address: opts.address,
    tls: opts.tls || opts.apiKey ? {} : undefined,
    apiKey: opts.apiKey,
  });
  // Interceptors put the caller's trace context into workflow headers (no-op without tracing).
  return new Client({
    connection,
    namespace: opts.namespace,
    interceptors: temporalClientInterceptors(),
  });
}

/** Deep link to a workflow's page in the Temporal Web UI. */
export function temporalWorkflowUrl(uiBase: string, namespace: string, workflowId: string): string {
  return `${uiBase.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
