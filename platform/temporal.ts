import fs from 'node:fs';
import { Client, Connection, type TLSConfig } from '@temporalio/client';
import type { Config } from './config';
import { temporalClientInterceptors } from './telemetry-temporal';

export interface TemporalOptions {
  address: string;
  namespace: string;
  apiKey?: string;
  tls?: boolean;
  /** mTLS client certificate and key (PEM file paths), e.g. Temporal Cloud with mTLS. */
  tlsCertPath?: string;
  tlsKeyPath?: string;
}

/** The Temporal connection options of the process config (API client and worker alike). */
export function temporalOptionsFromConfig(cfg: Config): TemporalOptions {
  return {
    address: cfg.TEMPORAL_ADDRESS,
    namespace: cfg.TEMPORAL_NAMESPACE,
    apiKey: cfg.TEMPORAL_API_KEY || undefined,
    tls: cfg.TEMPORAL_TLS,
    tlsCertPath: cfg.TEMPORAL_TLS_CERT_PATH,
    tlsKeyPath: cfg.TEMPORAL_TLS_KEY_PATH,
  };
}

/**
 * TLS for a Temporal connection: mTLS with a client certificate when both paths are given,
 * server-verified TLS for an API key or TEMPORAL_TLS, plain otherwise. Same shape for the
 * client `Connection` and the worker `NativeConnection`.
 */
export function temporalTls(opts: TemporalOptions): TLSConfig | undefined {
  if (opts.tlsCertPath && opts.tlsKeyPath) {
    return {
      clientCertPair: {
        crt: fs.readFileSync(opts.tlsCertPath),
        key: fs.readFileSync(opts.tlsKeyPath),
      },
    };
  }
  return opts.tls || opts.apiKey ? {} : undefined;
}

export async function connectTemporalClient(opts: TemporalOptions): Promise<Client> {
  const connection = await Connection.connect({
    address: opts.address,
    tls: temporalTls(opts),
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
