/**
 * A fake SMS gateway (JSON over HTTP) on loopback. It records every message and can be told to
 * fail the next N requests, to exercise retries with backoff.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSms {
  url: string;
  received: { to: string; text: string; reference: string }[];
  requests: number;
  failNext(n: number): void;
  close(): Promise<void>;
}

export async function startFakeSmsGateway(): Promise<FakeSms> {
  let failures = 0;
  const state: FakeSms = {
    url: '',
    received: [],
    requests: 0,
    failNext: (n) => {
      failures = n;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      state.requests += 1;
      if (failures > 0) {
        failures -= 1;
        res.writeHead(503).end('{"error":"unavailable"}');
        return;
      }
      state.received.push(JSON.parse(body) as FakeSms['received'][number]);
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"queued"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`;
  return state;
}
