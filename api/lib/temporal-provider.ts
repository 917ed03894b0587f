/** A lazily connected, memoised Temporal client; a failed connect is retried on the next call. */
import type { Client } from '@temporalio/client';
import { connectTemporalClient, type TemporalOptions } from '../../platform/temporal';
import type { TemporalProvider } from '../types';

export function lazyTemporal(opts: TemporalOptions): TemporalProvider & { close(): Promise<void> } {
  let pending: Promise<Client> | undefined;
  const provider = () => {
    pending ??= connectTemporalClient(opts).catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
  return Object.assign(provider, {
    async close() {
      const p = pending;
      pending = undefined;
      if (p) await (await p.catch(() => undefined))?.connection.close();
    },
  });
}
