export { batchRoute as POST } from '@/lib/serving/predict-routes';
