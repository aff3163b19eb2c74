import { parseGroup, parsePasswd, parseShadow } from './account-files';

describe('account files', () => {
  it('reads passwd, skipping comments, blanks and NIS lines', () => {
    expect(parsePasswd('# x\nalice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n\n+::::::\n')).toStrictEqual([
      {
        username: 'alice',
        uid: 1000,
        gid: 1000,
        comment: 'Alice,,,',
        home: '/home/alice',
        shell: '/bin/bash',
      },
    ]);
  });

  it('reads the days of shadow, empty as null', () => {
    expect(parseShadow('alice:!$6$s$h:0:0:99999:7:::\nbob:*:19000:0:99999:7::21915:\n')).toStrictEqual([
      { username: 'alice', password: '!$6$s$h', lastChange: 0, expire: null },
      { username: 'bob', password: '*', lastChange: 19_000, expire: 21_915 },
    ]);
  });

  it('reads group members', () => {
    expect(parseGroup('sudo:x:27:alice,bob\nusers:x:100:\n')).toStrictEqual([
      { name: 'sudo', gid: 27, members: ['alice', 'bob'] },
      { name: 'users', gid: 100, members: [] },
    ]);
  });
});
