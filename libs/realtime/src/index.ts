export * from './rooms';
export * from './agents.types';
export * from './io.adapter';
export * from './agents-hub';
export * from './realtime.module';
