import { actionOf } from './audit-log.projection';

describe('audit action names', () => {
  it.each([
    ['CreditsGranted', 'credits.granted'],
    ['LocalUserPasswordChanged', 'local_user_password.changed'],
    ['Ping', 'ping'],
  ])('%s reads as %s', (type, action) => {
    expect(actionOf(type)).toBe(action);
  });
});
