/** The library at a glance, and "Recluster now". */
import { useState } from 'preact/hooks';
import { library } from '../api';
import { ErrorBox } from '../components';
import { attempt, useNotify } from '../notices';
import { useAsync } from '../use-async';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'never');

export function StatusView() {
  const notify = useNotify();
  const status = useAsync(() => library.status(), []);
  const [busy, setBusy] = useState(false);
  const s = status.data;
  const recluster = () => {
    setBusy(true);
    void attempt(notify, async () => {
      const r = await library.recluster();
      if (r.status === 'done' || r.requestId === undefined) notify('Reclustered.');
      else {
        notify(`Recluster queued (request ${r.requestId}); the pipeline timer runs it.`);
        void watchRequest(r.requestId);
      }
      status.reload();
    }).finally(() => setBusy(false));
  };
  /** Follows a queued recluster until the timer has run it. */
  const watchRequest = async (id: number) => {
    for (let i = 0; i < 600; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      const request = await library.reclusterRequest(id).catch(() => null);
      if (request && (request.status === 'done' || request.status === 'failed')) {
        notify(`Recluster ${request.status}.`, { kind: request.status === 'done' ? 'ok' : 'error' });
        status.reload();
        return;
      }
    }
  };
  return (
    <section aria-labelledby="status-title">
      <div class="toolbar">
        <h1 id="status-title">Library</h1>
        <button type="button" onClick={recluster} disabled={busy}>
          {busy ? 'Reclustering…' : 'Recluster now'}
        </button>
        <button type="button" class="plain" onClick={status.reload}>
          Refresh
        </button>
      </div>
      <ErrorBox error={status.error} />
      {s && (
        <dl class="stats">
          <dt>Photos</dt>
          <dd>
            {s.photos.total} ({s.photos.done} done, {s.photos.pending + s.photos.processing} pending, {s.photos.failed}{' '}
            failed)
          </dd>
          <dt>Faces</dt>
          <dd>
            {s.faces.total} ({s.faces.unassigned} unassigned, {s.faces.verified} confirmed)
          </dd>
          <dt>Persons</dt>
          <dd>{s.persons}</dd>
          <dt>Last photo processed</dt>
          <dd>{when(s.lastProcessedAt)}</dd>
          <dt>Last recluster</dt>
          <dd>
            {s.lastRecluster ? `${s.lastRecluster.status}, ${when(s.lastRecluster.finishedAt)}` : 'none recorded'}
          </dd>
          <dt>Queued reclusters</dt>
          <dd>{s.queuedReclusters}</dd>
        </dl>
      )}
    </section>
  );
}
