'use client';

import type { DragMode } from './use-chart-annotations';

/**
 * "Drag on charts: Zoom | Mark range", beside a page's charts (operators and admins): what a
 * drag across a chart does. Zoom stays one press away while marking, and the reverse.
 */
export function DragModeToggle({ mode, onChange }: { mode: DragMode; onChange: (mode: DragMode) => void }) {
  return (
    <div className="dash-segmented" role="group" aria-label="Drag on charts">
      <button
        type="button"
        className="btn btn-ghost"
        aria-pressed={mode === 'zoom'}
        title="Drag across a chart to zoom in; double-click it to zoom out"
        onClick={() => onChange('zoom')}
      >
        Zoom
      </button>
      <button
        type="button"
        className="btn btn-ghost"
        aria-pressed={mode === 'mark'}
        title="Drag across a chart to annotate a range; click it to annotate a time"
        onClick={() => onChange('mark')}
      >
        Mark range
      </button>
    </div>
  );
}
