import type { NodeDetail } from '@pharos/protocol';
import { useApi } from '../../app/useApi';
import { errorText } from '../../components/States';
import { dateTime } from '../../format/time';
import { bytes } from '../../format/units';

export function useNodeDetail(id: string | null) {
  return useApi<NodeDetail>(id ? `/api/v1/nodes/${id}` : null, { refreshMs: 30_000 });
}

/** What an Ithiltir node says about its host (its Static report), and its own version. */
export function NodeFacts({ detail, error }: { detail: NodeDetail | undefined; error: unknown }) {
  const f = detail?.node.facts;
  return (
    <section className="card card-pad" aria-label="Host facts">
      <h3 className="section-title">Host</h3>
      {!detail ? (
        <p className="muted small">{error ? errorText(error) : 'Loading…'}</p>
      ) : !f ? (
        <p className="muted small">The node has not sent its host facts yet.</p>
      ) : (
        <dl className="kv">
          <dt>OS</dt>
          <dd>
            {f.platform} {f.platformVersion} ({f.os}/{f.arch})
          </dd>
          <dt>Kernel</dt>
          <dd>{f.kernelVersion}</dd>
          <dt>CPU</dt>
          <dd>
            {f.cpuModel} · {f.coresLogical} threads
          </dd>
          <dt>Memory</dt>
          <dd>
            {bytes(f.memoryTotal)}
            {f.swapTotal > 0 && ` + ${bytes(f.swapTotal)} swap`}
          </dd>
          <dt>Hostname</dt>
          <dd>{f.hostname}</dd>
          <dt>Node version</dt>
          <dd>{f.nodeVersion}</dd>
          <dt>Reports every</dt>
          <dd>{f.reportIntervalSeconds} s</dd>
          <dt>Facts from</dt>
          <dd>{dateTime(f.reportedAt)}</dd>
        </dl>
      )}
    </section>
  );
}
