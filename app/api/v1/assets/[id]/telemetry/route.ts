export { telemetryIngestRoute as POST } from '@/lib/ingest/http-ingest-route';
