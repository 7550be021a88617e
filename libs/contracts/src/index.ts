// Types shared by the API and the browser apps (CONTRACT.md). No runtime dependencies.
export * from './channel-kinds';
export * from './api.types';
export * from './socket-events';
