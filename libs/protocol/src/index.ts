export * from './validation';
export * from './frontend-ws';
export * from './ithiltir-node';
