export * from './webchat-config';
export * from './webchat.adapter';
export * from './visitor-token';
export * from './upload-policy';
export * from './webchat-channel.module';
