import type { SessionUser } from '../../api/client';
import { Empty } from '../../components/States';

export function UsersPage(_props: { currentUser: SessionUser } & { _?: SessionUser }) {
  return <Empty title="UsersPage">Coming.</Empty>;
}
