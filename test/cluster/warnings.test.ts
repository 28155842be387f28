import { parseWarningHeaders } from '../harness/warnings';

describe('parseWarningHeaders', () => {
  test('keeps commas and escaped quotes inside a warning text', () => {
    const value = '299 - "would violate PodSecurity \\"restricted:v1.37\\": allowPrivilegeEscalation != false (container \\"app\\" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container \\"app\\" must set securityContext.capabilities.drop=[\\"ALL\\"])"';
    expect(parseWarningHeaders([value])).toEqual([
      'would violate PodSecurity "restricted:v1.37": allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"])',
    ]);
  });

  test('splits several warnings joined into one header value, with an optional date', () => {
    expect(parseWarningHeaders(['299 - "a, b", 299 - "c" "Sat, 01 Jan 2000 00:00:00 GMT",199 agent "d"'])).toEqual(['a, b', 'c', 'd']);
  });

  test('reads one text per repeated header', () => {
    expect(parseWarningHeaders(['299 - "first, with comma"', '299 - "second"'])).toEqual(['first, with comma', 'second']);
  });

  test('rejects a malformed value instead of guessing', () => {
    expect(() => parseWarningHeaders(['299 - unquoted'])).toThrow(/expected a quoted text/);
    expect(() => parseWarningHeaders(['299 - "open'])).toThrow(/unterminated/);
    expect(() => parseWarningHeaders(['abc - "x"'])).toThrow(/3-digit code/);
  });
});
