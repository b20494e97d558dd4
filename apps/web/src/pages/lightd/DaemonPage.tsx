import type { SessionUser } from '../../api/client';
import { Empty } from '../../components/States';

export function DaemonPage(_props: { id: string; isAdmin: boolean } & { _?: SessionUser }) {
  return <Empty title="DaemonPage">Coming.</Empty>;
}
