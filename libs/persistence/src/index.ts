export * from './database';
export * from './schemas';
export * from './repositories/workspace-scoped.repository';
