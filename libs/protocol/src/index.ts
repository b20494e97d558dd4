export * from './validation';
export * from './unstorable-text';
export * from './limits';
export * from './frontend-ws';
export * from './lightd';
export * from './agent-ws';
export * from './ithiltir-node';
export * from './admin-api';
