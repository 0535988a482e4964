'use client';

import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ApiRequestError, errorMessage, type FieldError } from '@/lib/client/api-client';
import { activateModel, fetchAb, fetchModels, promoteAb, startAb, stopAb, uploadModel, type AbView, type ModelList, type ModelVersionInfo } from './api';
import { AbTable } from './ab-table';
import { useOnModelChange } from './use-serving-model';

const AB_REFRESH_MS = 2_000;

interface Problem {
  message: string;
  fields: FieldError[];
}

function problemOf(err: unknown): Problem {
  if (err instanceof ApiRequestError) return { message: err.message, fields: err.fields };
  return { message: errorMessage(err), fields: [] };
}

const keyOf = (v: { name: string; version: string }) => `${v.name}/${v.version}`;

/**
 * The admin's model page: every version with its source and holdout metrics, activate (or roll
 * back to) any of them, upload a new package (refusals show the loader's reasons), and run an
 * A/B test with the two versions' figures side by side.
 */
export function ModelsAdmin({ initialList, initialAb }: { initialList: ModelList; initialAb: AbView }) {
  const [list, setList] = useState(initialList);
  const [ab, setAb] = useState(initialAb);
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [actionError, setActionError] = useState<Problem | null>(null);
  const [uploadError, setUploadError] = useState<Problem | null>(null);
  const [challenger, setChallenger] = useState('');
  const [sharePct, setSharePct] = useState('20');
  const [abMode, setAbMode] = useState<'split' | 'shadow'>('split');

  const refresh = useCallback(async () => {
    const [l, a] = await Promise.all([fetchModels(), fetchAb()]);
    setList(l);
    setAb(a);
  }, []);
  useOnModelChange(
    useCallback(() => {
      void refresh().catch(() => undefined);
    }, [refresh]),
  );
  useEffect(() => {
    if (!ab.running) return;
    const timer = setInterval(() => void fetchAb().then(setAb).catch(() => undefined), AB_REFRESH_MS);
    return () => clearInterval(timer);
  }, [ab.running]);

  async function act(label: string, fn: () => Promise<string>) {
    setBusy(label);
    setActionError(null);
    setNotice(null);
    try {
      setNotice(await fn());
      await refresh();
    } catch (err) {
      setActionError(problemOf(err));
    } finally {
      setBusy(null);
    }
  }

  async function onUpload(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const model = data.get('model');
    const twin = data.get('twin');
    setUploadError(null);
    setNotice(null);
    if (!(model instanceof File) || !model.size || !(twin instanceof File) || !twin.size) {
      setUploadError({ message: 'Choose both files: model.onnx and twin.json.', fields: [] });
      return;
    }
    setBusy('upload');
    try {
      const v = await uploadModel(model, twin);
      form.reset();
      setNotice(`Uploaded ${v.name} ${v.version}: it loads and predicts.${v.active ? ' It is serving now (no other model could run).' : ' Activate it when ready.'}`);
      await refresh();
    } catch (err) {
      setUploadError(problemOf(err));
    } finally {
      setBusy(null);
    }
  }

  const candidates = list.versions.filter((v) => !v.active && !v.problem);
  const chosen = challenger || (candidates[0] ? keyOf(candidates[0]) : '');

  return (
    <div className="grid" style={{ gridTemplateColumns: '1fr' }}>
      <section className="panel" aria-labelledby="serving-h">
        <h2 id="serving-h">Serving</h2>
        {list.active ? (
          <p data-testid="serving-model">
            {list.active.name} <strong>v{list.active.version}</strong>
          </p>
        ) : (
          <p className="error" data-testid="serving-model">
            No model can run (degraded): {list.problem}
          </p>
        )}
        {notice ? (
          <p role="status" data-testid="models-notice">
            {notice}
          </p>
        ) : null}
        {actionError ? <ProblemBox problem={actionError} testId="models-error" /> : null}
      </section>

      <section className="panel" aria-labelledby="versions-h">
        <h2 id="versions-h">Versions</h2>
        <table aria-labelledby="versions-h">
          <thead>
            <tr>
              <th>Name</th>
              <th>Version</th>
              <th>Source</th>
              <th>Trained</th>
              <th>R²</th>
              <th>MAE</th>
              <th>State</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.versions.map((v) => (
              <VersionRow key={keyOf(v)} v={v} busy={busy !== null} onActivate={() => act(`activate ${keyOf(v)}`, async () => {
                const r = await activateModel({ name: v.name, version: v.version });
                return r.changed ? `Now serving ${v.name} v${v.version}.` : `${v.name} v${v.version} was already serving.`;
              })} />
            ))}
          </tbody>
        </table>
      </section>

      <section className="panel" aria-labelledby="upload-h">
        <h2 id="upload-h">Upload a package</h2>
        <p className="muted">A package is a model.onnx and its twin.json. It is loaded and run once before it is kept; a refused package changes nothing.</p>
        <form onSubmit={onUpload} style={{ display: 'flex', gap: '1rem', flexWrap: 'wrap', alignItems: 'end' }}>
          <label>
            model.onnx <input type="file" name="model" accept=".onnx" />
          </label>
          <label>
            twin.json <input type="file" name="twin" accept=".json,application/json" />
          </label>
          <button className="btn" type="submit" disabled={busy !== null}>
            {busy === 'upload' ? 'Checking…' : 'Upload'}
          </button>
        </form>
        {uploadError ? <ProblemBox problem={uploadError} testId="upload-error" /> : null}
      </section>

      <section className="panel" aria-labelledby="ab-h">
        <h2 id="ab-h">A/B test</h2>
        {ab.running && ab.challenger ? (
          <>
            <p data-testid="ab-state">
              {ab.challenger.mode === 'shadow'
                ? `Shadow test: the challenger ${ab.challenger.name} v${ab.challenger.version} scores every live point beside v${ab.champion?.version ?? '?'}; operators see only v${ab.champion?.version ?? '?'}.`
                : `${Math.round(ab.challenger.share * 100)} % of predictions go to the challenger ${ab.challenger.name} v${ab.challenger.version}; the rest to v${ab.champion?.version ?? '?'}.`}
            </p>
            <div style={{ display: 'flex', gap: '.5rem' }}>
              <button className="btn" type="button" disabled={busy !== null} onClick={() => act('promote', async () => `Promoted v${(await promoteAb()).model.version}: it serves everything now.`)}>
                Promote challenger
              </button>
              <button className="btn btn-ghost" type="button" disabled={busy !== null} onClick={() => act('stop', async () => (await stopAb(), 'A/B test stopped.'))}>
                Stop test
              </button>
            </div>
          </>
        ) : (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              const v = list.versions.find((x) => keyOf(x) === chosen);
              if (!v) return;
              void act('ab', async () => {
                if (abMode === 'shadow') {
                  await startAb({ name: v.name, version: v.version, mode: 'shadow' });
                  return `Shadow test started: v${v.version} scores every live point, unseen.`;
                }
                await startAb({ name: v.name, version: v.version, mode: 'split', share: Number(sharePct) / 100 });
                return `A/B test started: ${sharePct} % to v${v.version}.`;
              });
            }}
            style={{ display: 'flex', gap: '1rem', flexWrap: 'wrap', alignItems: 'end' }}
          >
            <label>
              Challenger{' '}
              <select value={chosen} onChange={(e) => setChallenger(e.target.value)} disabled={!candidates.length}>
                {candidates.map((v) => (
                  <option key={keyOf(v)} value={keyOf(v)}>
                    {v.name} v{v.version}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Mode{' '}
              <select value={abMode} onChange={(e) => setAbMode(e.target.value === 'shadow' ? 'shadow' : 'split')}>
                <option value="split">Split: the challenger serves a share</option>
                <option value="shadow">Shadow: scores every point, shown to no one</option>
              </select>
            </label>
            {abMode === 'split' ? (
              <label>
                Share to challenger (%) <input type="number" min={1} max={99} step={1} value={sharePct} onChange={(e) => setSharePct(e.target.value)} style={{ width: '5rem' }} />
              </label>
            ) : null}
            <button className="btn" type="submit" disabled={busy !== null || !chosen || !list.active}>
              Start A/B test
            </button>
          </form>
        )}
        <AbTable ab={ab} />
      </section>
    </div>
  );
}

function VersionRow({ v, busy, onActivate }: { v: ModelVersionInfo; busy: boolean; onActivate: () => void }) {
  return (
    <tr data-testid={`model-row-${v.name}-${v.version}`} data-active={v.active}>
      <td>{v.name}</td>
      <td>{v.version}</td>
      <td>{v.source}</td>
      <td>{v.trainedAt ?? '—'}</td>
      <td>{v.metrics ? v.metrics.r2.toFixed(3) : '—'}</td>
      <td>{v.metrics ? v.metrics.mae.toFixed(2) : '—'}</td>
      <td>{v.active ? <strong>serving</strong> : v.challenger ? 'challenger' : v.problem ? <span className="bad" title={v.problem}>unreadable</span> : ''}</td>
      <td>
        {v.active ? null : (
          <button className="btn btn-ghost" type="button" disabled={busy} onClick={onActivate} aria-label={`Activate ${v.name} ${v.version}`}>
            Activate
          </button>
        )}
      </td>
    </tr>
  );
}

function ProblemBox({ problem, testId }: { problem: Problem; testId: string }) {
  return (
    <div role="alert" className="error" data-testid={testId}>
      <p style={{ margin: 0 }}>{problem.message}</p>
      {problem.fields.length ? (
        <ul style={{ margin: '.3rem 0 0' }}>
          {problem.fields.map((f, i) => (
            <li key={i}>
              <code>{f.field}</code>: {f.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
