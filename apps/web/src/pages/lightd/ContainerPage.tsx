import type { SessionUser } from '../../api/client';
import { Empty } from '../../components/States';

export function ContainerPage(_props: { id: string } & { _?: SessionUser }) {
  return <Empty title="ContainerPage">Coming.</Empty>;
}
