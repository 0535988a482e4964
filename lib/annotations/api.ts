/** What the annotation route handlers share: the running service and the caller as its actor. */
import { ApiError } from '../api/errors';
import type { Principal } from '../api/route';
import { getServices } from '../services';
import type { AnnotationActor, AnnotationService } from './annotation-service';

export function getAnnotations(): AnnotationService {
  const a = getServices().annotations;
  if (!a) throw new ApiError(503, 'not_ready', 'The console is starting; retry in a moment');
  return a;
}

export const actorOf = (p: Principal, address: string): AnnotationActor => ({
  userId: p.userId,
  username: p.username,
  role: p.role,
  address,
});
