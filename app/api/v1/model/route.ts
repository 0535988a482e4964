export { modelRoute as GET } from '@/lib/serving/predict-routes';
