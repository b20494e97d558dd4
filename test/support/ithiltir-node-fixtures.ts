// The realistic reports live with the simulator, which plays them at scale; tests reuse them.
export * from '../../apps/simulator/src/node-reports';
