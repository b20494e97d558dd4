/** What the fleet has done so far, for the progress line and for callers of `startFleet`. */
export interface FleetStats {
  agents: { total: number; connected: number; metricsSent: number; commandsAnswered: number; dockerAnswered: number; refused: number; reconnects: number };
  daemons: { total: number; healthy: number; healthChecks: number; updatesSent: number; updatesFailed: number; consoleClients: number };
  nodes: { total: number; reporting: number; reportsSent: number; reportsFailed: number; manifests: number; manifestsInvalid: number };
  /** The latest errors (most recent last, at most 20). */
  errors: string[];
}

export function emptyStats(): FleetStats {
  return {
    agents: { total: 0, connected: 0, metricsSent: 0, commandsAnswered: 0, dockerAnswered: 0, refused: 0, reconnects: 0 },
    daemons: { total: 0, healthy: 0, healthChecks: 0, updatesSent: 0, updatesFailed: 0, consoleClients: 0 },
    nodes: { total: 0, reporting: 0, reportsSent: 0, reportsFailed: 0, manifests: 0, manifestsInvalid: 0 },
    errors: [],
  };
}

export function noteError(stats: FleetStats, message: string): void {
  stats.errors.push(`${new Date().toISOString().slice(11, 19)} ${message}`);
  if (stats.errors.length > 20) stats.errors.shift();
}

/** `agents 10/10 up · 120 metrics · daemons 3/3 · 45 updates · nodes 5/5 · 60 reports`. */
export function statusLine(stats: FleetStats, elapsedSeconds: number): string {
  const parts = [`${Math.floor(elapsedSeconds)}s`];
  const { agents: a, daemons: d, nodes: n } = stats;
  if (a.total) parts.push(`agents ${a.connected}/${a.total} up, ${a.metricsSent} metrics, ${a.commandsAnswered + a.dockerAnswered} commands answered`);
  if (d.total) parts.push(`daemons ${d.healthy}/${d.total} healthy, ${d.updatesSent} updates${d.updatesFailed ? ` (${d.updatesFailed} failed)` : ''}, ${d.consoleClients} console`);
  if (n.total) parts.push(`nodes ${n.reporting}/${n.total} reporting, ${n.reportsSent} reports${n.reportsFailed ? ` (${n.reportsFailed} failed)` : ''}, ${n.manifests} manifests`);
  if (stats.errors.length) parts.push(`last error: ${stats.errors[stats.errors.length - 1]}`);
  return parts.join(' · ');
}
