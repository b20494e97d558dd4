export * from './validation';
export * from './frontend-ws';
