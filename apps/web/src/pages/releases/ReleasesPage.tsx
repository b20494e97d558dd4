import type { SessionUser } from '../../api/client';
import { Empty } from '../../components/States';

export function ReleasesPage(_props: { isAdmin: boolean } & { _?: SessionUser }) {
  return <Empty title="ReleasesPage">Coming.</Empty>;
}
