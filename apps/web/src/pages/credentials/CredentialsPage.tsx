import type { SessionUser } from '../../api/client';
import { Empty } from '../../components/States';

export function CredentialsPage(_props: { isAdmin: boolean } & { _?: SessionUser }) {
  return <Empty title="CredentialsPage">Coming.</Empty>;
}
