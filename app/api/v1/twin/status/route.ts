export { twinStatusRoute as GET } from '@/lib/twin/status-route';
