export { referencePredictRoute as POST } from '@/lib/api/reference-routes';
