export * from './api.adapter';
export * from './api-signature';
export * from './api-channel.module';
