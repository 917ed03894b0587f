/** Access to Temporal from routes: a connected client, or 503 DEPENDENCY_UNAVAILABLE. */
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../../domain/errors';
import { temporalWorkflowUrl } from '../../platform/temporal';

export async function temporalClient(app: FastifyInstance): Promise<Client> {
  const provider = app.deps.temporal;
  if (!provider)
    throw new DomainError('DEPENDENCY_UNAVAILABLE', 'Workflow engine is not configured');
  try {
    return await provider();
  } catch {
    throw new DomainError('DEPENDENCY_UNAVAILABLE', 'Workflow engine is unavailable');
  }
}

export function workflowUrl(app: FastifyInstance, workflowId: string): string {
  const { TEMPORAL_UI_URL, TEMPORAL_NAMESPACE } = app.deps.config;
  return temporalWorkflowUrl(TEMPORAL_UI_URL, TEMPORAL_NAMESPACE, workflowId);
}
