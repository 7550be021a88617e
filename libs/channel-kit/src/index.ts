export * from './channel-adapter';
export * from './normalized-inbound';
export * from './adapter-registry';
export * from './channel-runtime';
export * from './channel-kit.module';
export * from './url-safety';
export * from './business-hours';
export * from './public-route';
