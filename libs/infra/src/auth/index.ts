export { AcceptsApiKey } from './accepts-api-key.decorator';
export { ApiKeyAuthenticator } from './api-key-authenticator';
export { generateApiKey, hashApiKey, isApiKeyToken, type NewApiKey } from './api-key-secret';
export { AuthModule } from './auth.module';
export { type AuthenticatedUser, isValidSubject, userFromClaims } from './authenticated-user';
export { CurrentUser } from './current-user.decorator';
export { JwtAuthGuard } from './jwt-auth.guard';
export {
  LOCAL_JWT_SECRET_FILE,
  loadOrCreateLocalJwtSecret,
  resolveLocalJwtSecret,
  signLocalToken,
} from './local-jwt';
export { Public } from './public.decorator';
export { isRole, type Role, ROLES } from './roles';
export { Roles } from './roles.decorator';
export { RolesGuard } from './roles.guard';
