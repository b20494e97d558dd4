export * from './validation';
export * from './frontend-ws';
export * from './agent-ws';
