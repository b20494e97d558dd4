import type { ReleaseView } from '@pharos/protocol';
import { useState } from 'react';
import { api } from '../../api/client';
import { useAction } from '../../app/useApi';
import { ActionForm } from '../../components/ActionForm';
import { useT } from '../../i18n/i18n';

const OSES = ['linux', 'windows', 'darwin'] as const;

/** Uploads one Ithiltir node build (version, OS, architecture and the binary). */
export function UploadRelease({ onUploaded }: { onUploaded: () => void }) {
  const t = useT();
  const [version, setVersion] = useState('');
  const [os, setOs] = useState<(typeof OSES)[number]>('linux');
  const [arch, setArch] = useState('amd64');
  const [file, setFile] = useState<File | null>(null);
  const upload = useAction(async () => {
    if (!file) return;
    const query = new URLSearchParams({ version, os, arch });
    await api.upload<ReleaseView>(`/api/v1/releases?${query.toString()}`, file);
    onUploaded();
  });
  return (
    <ActionForm label={t.uploadRelease} submit={upload.busy ? t.uploading : t.upload} busy={upload.busy} disabled={!file} error={upload.error} onSubmit={() => void upload.run()}>
      <label>
        {t.version}
        <input value={version} onChange={(e) => setVersion(e.target.value)} required placeholder="0.3.0" />
      </label>
      <label>
        {t.os}
        <select value={os} onChange={(e) => setOs(e.target.value as (typeof OSES)[number])}>
          {OSES.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
      </label>
      <label>
        {t.architecture}
        <input value={arch} onChange={(e) => setArch(e.target.value)} required />
      </label>
      <label>
        {t.binary}
        <input type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} required />
      </label>
    </ActionForm>
  );
}
