/**
 * Install scripts Pharos serves (the agent's, the Ithiltir node's for Linux, macOS and Windows)
 * are templates filled with the public URL (`PHAROS_PUBLIC_URL`) and nothing else: they hold no
 * secret, so one rendering serves every host. Placeholders are `{{NAME}}`:
 *
 * - `{{PUBLIC_URL}}`, `{{PUBLIC_SCHEME}}`, `{{PUBLIC_HOST}}`, `{{PUBLIC_PORT}}` (the explicit
 *   port, else the scheme's), `{{PUBLIC_PATH}}` (the path prefix, `''` at the root): each one
 *   word of the script's language, quoted;
 * - `{{PUBLIC_URL_TEXT}}`: the URL as text on one line, for comments and usage lines.
 *
 * A placeholder left unknown is an error, thrown at the first rendering.
 */
export type ScriptLanguage = 'sh' | 'powershell';

/** A word for sh and bash: single-quoted, a quote inside as `'\''`. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A PowerShell string literal: single-quoted (nothing expands), a quote inside doubled. */
export function powerShellQuote(text: string): string {
  return `'${text.replace(/['\u2018\u2019\u201a\u201b]/g, "''")}'`;
}

/** The parts of the public URL the templates are given. */
export function publicUrlParts(publicUrl: string): { url: string; scheme: string; host: string; port: string; path: string } {
  const url = new URL(publicUrl);
  const scheme = url.protocol.replace(/:$/, '');
  const port = url.port || (scheme === 'https' ? '443' : '80');
  return { url: publicUrl, scheme, host: url.hostname, port, path: url.pathname.replace(/\/+$/, '') };
}

const PLACEHOLDER = /\{\{([A-Z_]+)\}\}/g;

export function renderScriptTemplate(template: string, language: ScriptLanguage, publicUrl: string): string {
  const quote = language === 'sh' ? shellQuote : powerShellQuote;
  const parts = publicUrlParts(publicUrl);
  const values: Record<string, string> = {
    PUBLIC_URL: quote(parts.url),
    PUBLIC_SCHEME: quote(parts.scheme),
    PUBLIC_HOST: quote(parts.host),
    PUBLIC_PORT: quote(parts.port),
    PUBLIC_PATH: quote(parts.path),
    PUBLIC_URL_TEXT: parts.url.replace(/[\r\n]/g, ''),
  };
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`install script template: unknown placeholder ${whole}`);
    return value;
  });
}
