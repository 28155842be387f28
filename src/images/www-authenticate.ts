/** One challenge of a `WWW-Authenticate` header: a scheme and its parameters (names lower-cased). */
export interface AuthChallenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Parses a `WWW-Authenticate` header that may hold several challenges
 * (`Bearer realm="https://a",service="r",scope="x", Basic realm="r"`), per RFC 9110 section 11.6.1.
 */
export function parseWwwAuthenticate(header: string | readonly string[] | undefined): AuthChallenge[] {
  if (header === undefined) return [];
  const headers = typeof header === 'string' ? [header] : header;
  const challenges: AuthChallenge[] = [];
  for (const text of headers) {
    let i = 0;
    let current: { scheme: string; params: Record<string, string> } | undefined;
    const skipSpace = () => {
      while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
    };
    const readToken = () => {
      const start = i;
      while (i < text.length && !/[\s,=]/.test(text[i])) i++;
      return text.slice(start, i);
    };
    while (i < text.length) {
      skipSpace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      const token = readToken();
      if (!token) {
        i++;
        continue;
      }
      skipSpace();
      if (text[i] === '=' && current) {
        i++;
        skipSpace();
        let value = '';
        if (text[i] === '"') {
          i++;
          while (i < text.length && text[i] !== '"') {
            if (text[i] === '\\' && i + 1 < text.length) i++;
            value += text[i++];
          }
          i++;
        } else {
          const start = i;
          while (i < text.length && text[i] !== ',' && !/\s/.test(text[i])) i++;
          value = text.slice(start, i);
        }
        current.params[token.toLowerCase()] = value;
      } else {
        // A token not followed by '=' starts a new challenge (its scheme).
        current = { scheme: token.toLowerCase(), params: {} };
        challenges.push(current);
      }
    }
  }
  return challenges;
}
