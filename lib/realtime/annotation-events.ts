/**
 * Annotation changes to every connected console (issue 18): another user's open dashboard or
 * History page shows a new, edited or deleted note without a reload. No rooms: plant-wide notes
 * belong on every asset's charts, and the volume is a few notes per shift.
 */
import type { AnnotationBroadcaster } from '../annotations/annotation-service';
import type { RealtimeServer } from './server';

export function annotationBroadcaster(io: RealtimeServer): AnnotationBroadcaster {
  return {
    created: (a) => void io.emit('annotation:created', a),
    updated: (a) => void io.emit('annotation:updated', a),
    deleted: (a) => void io.emit('annotation:deleted', a),
  };
}
