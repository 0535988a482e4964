export { referenceMetricsRoute as GET } from '@/lib/api/reference-routes';
