export * from './config';
export * from './logger';
export * from './secret-box';
export * from './blob-store';
export * from './ids';
export * from './clock';
export * from './embedded-db/embedded-db.launcher';
