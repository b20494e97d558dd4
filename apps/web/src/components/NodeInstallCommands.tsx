import type { IssuedNodeSecret } from '@pharos/protocol';
import { useT } from '../i18n/i18n';
import { CopyField } from './CopyField';

/**
 * What an admin runs on a node's host once its secret is issued: the one-liner that installs
 * the node for each platform (Pharos's /deploy/<platform>/install.* with the secret), the
 * command for a node already installed, and the secret itself; each with a copy button.
 */
export function NodeInstallCommands({ issued }: { issued: IssuedNodeSecret }) {
  const t = useT();
  return (
    <>
      <CopyField label={t.installOnLinux} value={issued.installScripts.linux} multiline />
      <CopyField label={t.installOnMacos} value={issued.installScripts.macos} multiline />
      <CopyField label={t.installOnWindows} value={issued.installScripts.windows} multiline />
      <CopyField label={t.installCommand} value={issued.installCommand} multiline />
      <CopyField label={t.nodeSecret} value={issued.secret} />
    </>
  );
}
