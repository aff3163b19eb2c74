export * from './local-user-ssh-key.table';
export * from './local-user.table';
export * from './local-users.projection';
export * from './local-users.queries';
