/** One line of /etc/passwd. */
export interface PasswdEntry {
  username: string;
  uid: number;
  gid: number;
  comment: string;
  home: string;
  shell: string;
}

/** One line of /etc/shadow; the day fields are days since 1970-01-01, null when empty. */
export interface ShadowEntry {
  username: string;
  password: string;
  lastChange: number | null;
  expire: number | null;
}

/** One line of /etc/group. */
export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

/** Non-empty, non-comment lines split on `:`; NIS `+`/`-` lines are not accounts of this host. */
function records(text: string, minFields: number): string[][] {
  return text
    .split('\n')
    .filter((line) => line.length > 0 && !line.startsWith('#') && !/^[+-]/.test(line))
    .map((line) => line.split(':'))
    .filter((fields) => fields.length >= minFields);
}

function day(field: string): number | null {
  return field === '' ? null : Number(field);
}

export function parsePasswd(text: string): PasswdEntry[] {
  return records(text, 7).map(([username, , uid, gid, comment, home, shell]) => ({
    username,
    uid: Number(uid),
    gid: Number(gid),
    comment,
    home,
    shell,
  }));
}

export function parseShadow(text: string): ShadowEntry[] {
  return records(text, 9).map(([username, password, lastChange, , , , , expire]) => ({
    username,
    password,
    lastChange: day(lastChange),
    expire: day(expire),
  }));
}

export function parseGroup(text: string): GroupEntry[] {
  return records(text, 4).map(([name, , gid, members]) => ({
    name,
    gid: Number(gid),
    members: members === '' ? [] : members.split(','),
  }));
}
