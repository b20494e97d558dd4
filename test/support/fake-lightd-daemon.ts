/** The Lightd v2 daemon the simulator runs, for tests (its code says what it models). */
export { type FakeContainer, type FakeContainerConnection, FakeLightdDaemon, type FakeLightdOptions, type RemoteAnswer } from '../../apps/simulator/src/fake-lightd-daemon';
