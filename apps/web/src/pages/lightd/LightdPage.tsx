import type { SessionUser } from '../../api/client';
import { Empty } from '../../components/States';

export function LightdPage(_props: Record<string, never> & { _?: SessionUser }) {
  return <Empty title="LightdPage">Coming.</Empty>;
}
