import type { ReleaseView } from '@pharos/protocol';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client';
import { useAction } from '../../app/useApi';
import { InlineError } from '../../components/States';

const OSES = ['linux', 'windows', 'darwin'] as const;

/** Uploads one Ithiltir node build (version, OS, architecture and the binary). */
export function UploadRelease({ onUploaded }: { onUploaded: () => void }) {
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
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void upload.run();
  };
  return (
    <form className="form" onSubmit={submit} aria-label="Upload a release">
      <div className="form-row">
        <label>
          Version
          <input value={version} onChange={(e) => setVersion(e.target.value)} required placeholder="0.3.0" />
        </label>
        <label>
          OS
          <select value={os} onChange={(e) => setOs(e.target.value as (typeof OSES)[number])}>
            {OSES.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        </label>
        <label>
          Architecture
          <input value={arch} onChange={(e) => setArch(e.target.value)} required />
        </label>
        <label>
          Binary
          <input type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} required />
        </label>
      </div>
      <InlineError error={upload.error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={upload.busy || !file}>
          {upload.busy ? 'Uploading…' : 'Upload'}
        </button>
      </div>
    </form>
  );
}
