export * from './validation';
export * from './nul-text';
export * from './frontend-ws';
export * from './lightd';
export * from './agent-ws';
export * from './ithiltir-node';
export * from './admin-api';
