// kube-apiserver's --token-auth-file: CSV lines `token,user,uid[,"group1,group2"]`.

export interface UserInfo {
  readonly name: string;
  readonly uid: string;
  readonly groups: readonly string[];
}

/** Splits one CSV line, honouring double quotes (the groups column is usually quoted). */
function splitCSV(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charAt(i);
    if (c === '"') {
      if (quoted && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else quoted = !quoted;
    } else if (c === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

export class TokenFileError extends Error {
  override readonly name = 'TokenFileError';
}

/** Parses the file's text; blank lines and `#` comments are skipped. Throws TokenFileError. */
export function parseTokenFile(text: string): Map<string, UserInfo> {
  const tokens = new Map<string, UserInfo>();
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [token = '', name = '', uid = '', groups = ''] = splitCSV(line);
    if (token === '' || name === '') throw new TokenFileError(`token file line ${i + 1}: need at least token,user,uid`);
    tokens.set(token, { name, uid, groups: groups === '' ? [] : groups.split(',').map((g) => g.trim()) });
  }
  return tokens;
}
