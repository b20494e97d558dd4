import type { NodeDetail } from '@pharos/protocol';
import { useApi } from '../../app/useApi';
import { errorText } from '../../components/States';
import { dateTime } from '../../format/time';
import { bytes } from '../../format/units';
import { useT } from '../../i18n/i18n';

export function useNodeDetail(id: string | null) {
  return useApi<NodeDetail>(id ? `/api/v1/nodes/${id}` : null, { refreshMs: 30_000 });
}

/** What an Ithiltir node says about its host (its Static report), and its own version. */
export function NodeFacts({ detail, error }: { detail: NodeDetail | undefined; error: unknown }) {
  const t = useT();
  const f = detail?.node.facts;
  return (
    <section className="card card-pad" aria-labelledby="host-heading">
      <h2 className="section-title" id="host-heading">
        {t.host}
      </h2>
      {!detail ? (
        <p className="muted small">{error ? errorText(error) : t.loading}</p>
      ) : !f ? (
        <p className="muted small">{t.noHostFactsYet}</p>
      ) : (
        <dl className="kv">
          <dt>{t.os}</dt>
          <dd>
            {f.platform} {f.platformVersion} ({f.os}/{f.arch})
          </dd>
          <dt>{t.kernel}</dt>
          <dd>{f.kernelVersion}</dd>
          <dt>{t.cpu}</dt>
          <dd>
            {f.cpuModel} · {t.threads(f.coresLogical)}
          </dd>
          <dt>{t.memory}</dt>
          <dd>
            {bytes(f.memoryTotal)}
            {f.swapTotal > 0 && ` + ${bytes(f.swapTotal)} ${t.swap}`}
          </dd>
          <dt>{t.hostname}</dt>
          <dd>{f.hostname}</dd>
          <dt>{t.nodeVersion}</dt>
          <dd>{f.nodeVersion}</dd>
          <dt>{t.reportsEvery}</dt>
          <dd>{t.seconds(f.reportIntervalSeconds)}</dd>
          <dt>{t.factsFrom}</dt>
          <dd>{dateTime(f.reportedAt)}</dd>
        </dl>
      )}
    </section>
  );
}
