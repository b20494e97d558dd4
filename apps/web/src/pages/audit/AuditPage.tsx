import type { SessionUser } from '../../api/client';
import { Empty } from '../../components/States';

export function AuditPage(_props: Record<string, never> & { _?: SessionUser }) {
  return <Empty title="AuditPage">Coming.</Empty>;
}
