/**
 * The CEL hardpod writes into ValidatingAdmissionPolicies (the rules' and the debug access's) claims
 * Kubernetes 1.30 and later, where the API server compiles it with the CEL libraries of its own
 * version. The admission tests run the rules' policies on the newest server and on a 1.30 one; this holds every function it calls to the
 * libraries Kubernetes 1.30 has (k8s.io/apiserver's base environment, by each library's
 * IntroducedVersion): a function from a later library (string formatting, two-variable
 * comprehensions, semver, the list extensions) fails here, before a 1.30 cluster refuses the policy.
 */
import { admissionPolicies } from '../../src/admission';
import { buildDebugAccess, type KubeObject } from '../../src/model';
import { admissionCorpusConfig } from '../cluster/admission-corpus';

/** Functions and macros of the CEL environment Kubernetes 1.30 compiles policies with, by library. */
const LIBRARIES_IN_1_30: Readonly<Record<string, readonly string[]>> = {
  'CEL standard functions and macros': [
    'has', 'size', 'matches', 'startsWith', 'endsWith', 'contains', 'all', 'exists', 'exists_one', 'map', 'filter',
    'int', 'uint', 'double', 'string', 'bool', 'bytes', 'dyn', 'type', 'duration', 'timestamp',
  ],
  'ext.Strings version 0 (Kubernetes 1.0)': ['charAt', 'indexOf', 'lastIndexOf', 'lowerAscii', 'upperAscii', 'replace', 'split', 'substring', 'trim'],
  'ext.Strings version 2 (Kubernetes 1.29)': ['join'],
  'Kubernetes regex and lists version 0 (1.0)': ['find', 'findAll', 'isSorted', 'sum', 'min', 'max'],
  // Its field and label selectors came with 1.31.
  'Kubernetes authorizer (1.27)': ['path', 'group', 'serviceAccount', 'resource', 'subresource', 'namespace', 'name', 'check', 'allowed', 'reason', 'errored', 'error'],
};
const AVAILABLE_IN_1_30: ReadonlySet<string> = new Set(Object.values(LIBRARIES_IN_1_30).flat());

/** Two-variable comprehensions (`list.all(i, v, ...)`), from Kubernetes 1.32. */
const TWO_VARIABLE_COMPREHENSION = /\.(all|exists|exists_one)\(\s*[A-Za-z_]\w*\s*,\s*[A-Za-z_]\w*\s*,/;

/** Every CEL expression of the ValidatingAdmissionPolicies among `objects`. */
function expressionsOf(objects: readonly KubeObject[]): string[] {
  const expressions: string[] = [];
  for (const object of objects) {
    if (object.kind !== 'ValidatingAdmissionPolicy') continue;
    const spec = object.spec as Record<string, { expression?: string; messageExpression?: string }[] | undefined>;
    for (const list of [spec.matchConditions, spec.variables, spec.validations, spec.auditAnnotations]) {
      for (const entry of list ?? []) {
        if (entry.expression) expressions.push(entry.expression);
        if (entry.messageExpression) expressions.push(entry.messageExpression);
      }
    }
  }
  return expressions;
}

/** The names of the functions an expression calls, its string literals left out. */
function calledFunctions(expression: string): string[] {
  const code = expression.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, "''");
  return [...code.matchAll(/([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1]);
}

const POLICIES: readonly { readonly what: string; readonly objects: readonly KubeObject[] }[] = [
  { what: 'the rules\' policies', objects: admissionPolicies(admissionCorpusConfig('shop')).objects },
  { what: 'the debug access\'s policies', objects: buildDebugAccess({ namespace: 'shop', group: 'oncall', image: `ghcr.io/acme/debug@sha256:${'d'.repeat(64)}` }, { where: 'test' }).objects },
];

describe.each(POLICIES)('$what', ({ objects }) => {
  const expressions = expressionsOf(objects);

  test('call only functions of the CEL libraries Kubernetes 1.30 has', () => {
    expect(expressions.length).toBeGreaterThan(2);
    const unknown = [...new Set(expressions.flatMap(calledFunctions))].filter((name) => !AVAILABLE_IN_1_30.has(name));
    expect(unknown).toEqual([]);
  });

  test('use no two-variable comprehension', () => {
    expect(expressions.filter((e) => TWO_VARIABLE_COMPREHENSION.test(e))).toEqual([]);
  });
});

test('the check sees what Kubernetes 1.30 lacks: string formatting, two-variable comprehensions and the list extensions', () => {
  const calls = ['"%s".format([x])', 'l.sortBy(e, e)', 'lists.range(3)', 'isSemver(v)'].flatMap(calledFunctions);
  expect(calls.filter((name) => !AVAILABLE_IN_1_30.has(name))).toEqual(['format', 'sortBy', 'range', 'isSemver']);
  expect(TWO_VARIABLE_COMPREHENSION.test('object.spec.containers.all(i, c, c.name != "")')).toBe(true);
  expect(TWO_VARIABLE_COMPREHENSION.test('object.spec.containers.all(c, c.name != "")')).toBe(false);
});
