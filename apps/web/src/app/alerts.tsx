import type { AlertData, Page } from '@pharos/protocol';
import { createContext, type ReactNode, useContext } from 'react';
import { useApi } from './useApi';

const REFRESH_MS = 15_000;
const SHOWN = 50;

export interface FiringAlerts {
  /** The newest firing alerts (up to 50), once loaded. */
  items: AlertData[] | undefined;
  /** How many fire in all. */
  total: number;
}

const FiringAlertsContext = createContext<FiringAlerts>({ items: undefined, total: 0 });

/**
 * The alerts firing across the fleet (`GET /api/v1/alerts?state=firing`), polled once for the
 * whole dashboard: the tab title counts them, the fleet page lists them.
 */
export function FiringAlertsProvider({ children }: { children: ReactNode }) {
  const answer = useApi<Page<AlertData>>(`/api/v1/alerts?state=firing&limit=${SHOWN}`, { refreshMs: REFRESH_MS }).data;
  return <FiringAlertsContext.Provider value={{ items: answer?.items, total: answer?.total ?? 0 }}>{children}</FiringAlertsContext.Provider>;
}

export function useFiringAlerts(): FiringAlerts {
  return useContext(FiringAlertsContext);
}
