export * from './password';
export * from './totp';
export * from './token.service';
export * from './login.service';
export * from './people.service';
export * from './user.mapper';
export * from './auth.guard';
export * from './auth.module';
