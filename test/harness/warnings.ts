/**
 * Parses HTTP `Warning` header values (RFC 7234 5.5): `warn-code SP warn-agent SP warn-text [SP warn-date]`,
 * several warnings optionally joined by commas in one value. The texts are quoted strings with
 * backslash escapes and commonly contain commas themselves, so splitting on ", " is wrong.
 * Returns the unquoted texts in order.
 */
export function parseWarningHeaders(values: readonly string[]): string[] {
  const texts: string[] = [];
  for (const value of values) {
    let i = 0;
    const skip = (chars: string): void => {
      while (i < value.length && chars.includes(value[i])) i++;
    };
    const token = (): string => {
      const start = i;
      while (i < value.length && value[i] !== ' ' && value[i] !== ',') i++;
      return value.slice(start, i);
    };
    const quoted = (): string => {
      if (value[i] !== '"') throw new Error(`malformed Warning header ${JSON.stringify(value)}: expected a quoted text at ${i}`);
      i++;
      let text = '';
      while (i < value.length && value[i] !== '"') {
        if (value[i] === '\\' && i + 1 < value.length) i++;
        text += value[i++];
      }
      if (value[i] !== '"') throw new Error(`malformed Warning header ${JSON.stringify(value)}: unterminated quoted text`);
      i++;
      return text;
    };
    skip(' ,');
    while (i < value.length) {
      const code = token();
      if (!/^\d{3}$/.test(code)) throw new Error(`malformed Warning header ${JSON.stringify(value)}: expected a 3-digit code, got ${JSON.stringify(code)}`);
      skip(' ');
      token(); // warn-agent, `-` from kube-apiserver
      skip(' ');
      texts.push(quoted());
      skip(' ');
      if (value[i] === '"') quoted(); // optional warn-date
      skip(' ,');
    }
  }
  return texts;
}
