/** What the annotation route handlers share: the running service and the caller as its actor. */
import type { Principal } from '../api/route';
import type { AnnotationActor } from './annotation-service';

export const actorOf = (p: Principal, address: string): AnnotationActor => ({
  userId: p.userId,
  username: p.username,
  role: p.role,
  address,
});
