/**
 * Imported first by every entry point, before pg, ioredis, kafkajs or fastify are loaded, so
 * the instrumentations can patch them. Does nothing unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
 */
import path from 'node:path';
import { startTracing } from './tracing';

const entry = path.basename(process.argv[1] ?? 'process', path.extname(process.argv[1] ?? ''));
startTracing({ serviceName: process.env.OTEL_SERVICE_NAME ?? `harbor-${entry}` });
