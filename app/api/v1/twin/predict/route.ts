export { predictRoute as POST } from '@/lib/serving/predict-routes';
