import { useEffect } from 'react';
import { useFiringAlerts } from './alerts';

/**
 * The tab's title: the page's, then Pharos; led by the number of alerts firing, so a tab in
 * the background still tells that something is wrong ("(2) Fleet · Pharos").
 */
export function usePageTitle(page: string | undefined): void {
  const { total } = useFiringAlerts();
  useEffect(() => {
    document.title = `${total > 0 ? `(${total}) ` : ''}${page ? `${page} · ` : ''}Pharos`;
  }, [page, total]);
}
