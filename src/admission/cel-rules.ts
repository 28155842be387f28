import {
  isResolvedConfig, resolveConfig, SUPPRESS_ANNOTATION_PREFIX, whyRuleDoesNotRun, type EngineConfig, type ResolvedConfig, type SuppressionEntry,
} from '../engine/config';
import type { Enforcement } from '../engine/report';
import { allowedRegistryPrefix } from '../images/image-ref';
import { IMAGE_FACTS_SETTING } from '../images/lock-resolver';
import { HardpodError } from '../model/errors';
import type { KubeObject } from '../model/kube-object';
import { yamlModule } from '../model/lazy-yaml';
import { celList, celString, POD_SPEC_CEL, WORKLOADS, workloadResourceRules, type ResourceRule } from '../model/workload-cel';
import { RULES } from '../rules/catalogue';
import type { AnyRule } from '../rules/rule';

/*
 * The rules hardpod emits as admission policies, each written once in CEL: the ValidatingAdmissionPolicies
 * (validating-admission-policy.ts) and the Kyverno policies (kyverno-policy.ts) are built from the same
 * plan, so both enforce one policy.
 */

/** A label selector as Kubernetes writes one (`matchLabels`, `matchExpressions`). */
export interface AdmissionLabelSelector {
  /** @default none */
  readonly matchLabels?: Readonly<Record<string, string>>;
  /** @default none */
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; readonly values?: readonly string[] }[];
}

/** Options of {@link admissionPolicies} and {@link kyvernoPolicies} beyond the engine config. */
export interface AdmissionPolicyOptions {
  /**
   * Prefix of every policy's (and binding's) name: the policy of rule `image-digest` is `<prefix>image-digest`.
   * @default 'hardpod-'
   */
  readonly namePrefix?: string;
  /**
   * The namespaces the policies apply in (a binding's `matchResources.namespaceSelector`, a Kyverno
   * ValidatingPolicy's `matchConstraints.namespaceSelector`, a ClusterPolicy rule's
   * `match.any[].resources.namespaceSelector`).
   * @default every namespace
   */
  readonly namespaceSelector?: AdmissionLabelSelector;
  /**
   * The objects the policies apply to, by their labels (a binding's `matchResources.objectSelector`,
   * a Kyverno ValidatingPolicy's `matchConstraints.objectSelector`, a ClusterPolicy rule's
   * `match.any[].resources.selector`).
   * @default every object
   */
  readonly objectSelector?: AdmissionLabelSelector;
}

/** A rule of the config that is not emitted as an admission policy, and why. */
export interface OmittedRule {
  readonly rule: string;
  readonly reason: string;
}

/** One rule emitted as a policy. */
export interface EmittedRule {
  readonly rule: string;
  /**
   * `deny`: a ValidatingAdmissionPolicy is bound with validationActions [Deny], a Kyverno rule has
   * failureAction Enforce; `warn`: [Warn], and Audit.
   */
  readonly enforcement: Enforcement;
  readonly policyName: string;
}

/** What {@link admissionPolicies} and {@link kyvernoPolicies} emit. */
export interface AdmissionPolicies {
  /**
   * The policies: per emitted rule, its ValidatingAdmissionPolicy then its ValidatingAdmissionPolicyBinding
   * ({@link admissionPolicies}), its Kyverno ValidatingPolicy ({@link kyvernoValidatingPolicies}), or its
   * Kyverno ClusterPolicy ({@link kyvernoPolicies}).
   */
  readonly objects: readonly KubeObject[];
  readonly emitted: readonly EmittedRule[];
  /** Rules the config runs that are not emitted, with the reason (Pod Security rules, cross-object rules, rules CEL cannot express exactly). */
  readonly omitted: readonly OmittedRule[];
  /** Parts of the config the policies do not carry (config suppressions they cannot match, custom workload kinds, the baseline), said in words. */
  readonly notCarried: readonly string[];
}

/** The kinds those resources hold: a config suppression of another kind cannot match an object the policies judge. */

/** `list` of the pod spec, or an empty list. */
const listOf = (field: string): string => `(has(variables.podSpec.${field}) ? variables.podSpec.${field} : [])`;
/** Every container: init (sidecars included), regular and ephemeral, in the order the engine reads them. */
const CONTAINERS = `${listOf('initContainers')} + ${listOf('containers')} + ${listOf('ephemeralContainers')}`;

/**
 * What the policies of a group of rules match, and what every such policy reads or exempts: the
 * workloads (through their pod spec), the Roles and ClusterRoles, or the bindings.
 */
interface AdmissionTarget {
  /** A ValidatingAdmissionPolicy's (and Kyverno ValidatingPolicy's) matchConstraints.resourceRules. */
  readonly resourceRules: readonly ResourceRule[];
  /** A Kyverno ClusterPolicy rule's `match.any[].resources.kinds`. */
  readonly kyvernoKinds: readonly string[];
  /** The kinds, which a config suppression names. */
  readonly kinds: ReadonlySet<string>;
  /** The cluster-scoped ones among them, named without a namespace. @default none */
  readonly clusterScoped?: ReadonlySet<string>;
  /** Variables every rule of the target reads before its own. */
  readonly variables: readonly CelVariable[];
  /** Conditions every rule of the target needs besides its suppressions (who and what is exempt). @default none */
  readonly conditions?: readonly CelVariable[];
}

/** Kyverno names a kind of a named API group `group/version/Kind`. */
const kyvernoKind = (group: string, kind: string): string => (group === '' ? kind : `${group}/v1/${kind}`);

const WORKLOAD_TARGET: AdmissionTarget = {
  // The workload kinds, with the ephemeral containers added to Pods, on create and update.
  resourceRules: workloadResourceRules(() => ['CREATE', 'UPDATE'], true),
  kyvernoKinds: WORKLOADS.flatMap((w) => {
    const kind = kyvernoKind(w.group, w.kind);
    return [kind, ...(w.subresources ?? []).map((sub) => `${kind}/${sub}`)];
  }),
  kinds: new Set(WORKLOADS.map((w) => w.kind)),
  variables: [{ name: 'podSpec', expression: POD_SPEC_CEL }, { name: 'containers', expression: CONTAINERS }],
};

const RBAC_GROUP = 'rbac.authorization.k8s.io';
/**
 * The API server creates and reconciles its bootstrap roles and bindings (cluster-admin, admin, edit,
 * view, system:*) as system:apiserver on every start, and a refusal would fail its start-up hook.
 */
const NOT_THE_API_SERVER: CelVariable = {
  name: 'not-the-api-server',
  // Kyverno's background scans and CLI judge objects without a user.
  expression: "!has(request.userInfo) || !has(request.userInfo.username) || request.userInfo.username != 'system:apiserver'",
};

/** The policies of RBAC objects: `kinds` are the namespaced kind and its cluster-scoped twin, `resources` their resources. */
function rbacTarget(
  kinds: readonly [string, string], resources: readonly string[], conditions: readonly CelVariable[], variables: readonly CelVariable[],
): AdmissionTarget {
  return {
    resourceRules: [{ apiGroups: [RBAC_GROUP], apiVersions: ['v1'], resources, operations: ['CREATE', 'UPDATE'] }],
    kyvernoKinds: kinds.map((kind) => kyvernoKind(RBAC_GROUP, kind)),
    kinds: new Set(kinds),
    clusterScoped: new Set([kinds[1]]),
    variables,
    conditions: [NOT_THE_API_SERVER, ...conditions],
  };
}

const ROLE_TARGET = rbacTarget(['Role', 'ClusterRole'], ['roles', 'clusterroles'], [{
  // The aggregation controller writes an aggregated ClusterRole's rules: the union of the ClusterRoles it
  // selects, each judged when it was admitted (admin and edit hold the bootstrap impersonate rules).
  name: 'not-an-aggregated-cluster-role-update',
  expression: "request.kind.kind != 'ClusterRole' || request.operation != 'UPDATE' || !has(object.aggregationRule)",
}], [{ name: 'rules', expression: 'has(object.rules) ? object.rules : []' }]);

const BINDING_TARGET = rbacTarget(['RoleBinding', 'ClusterRoleBinding'], ['rolebindings', 'clusterrolebindings'], [], []);

// The image reference grammar as hardpod's parser reads it (src/images/image-ref.ts), in RE2.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
/** A first component that is no registry host (no ".", ":", upper case or "["): part of a Docker Hub repository. */
const NAMESPACE_COMPONENT = '[a-z0-9]+(?:(?:_|__|-+)[a-z0-9]+)*';
const DOMAIN_LABEL = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
/** A port from 0 to 65535, leading zeros allowed (the parser reads the number). */
const PORT = ':0*(?:[0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])';
const HOST = `(?:${DOMAIN_LABEL}(?:\\.${DOMAIN_LABEL})*|\\[[a-fA-F0-9:]+\\])(?:${PORT})?`;
const NAME = `(?:(?:${HOST}|${NAMESPACE_COMPONENT})/)?${COMPONENT}(?:/${COMPONENT})*`;
const TAG = ':[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}';
const DIGEST = '@(?:sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128})';
/** A well-formed reference (a name of more than 255 characters aside, which the policies test on the written-out name). */
export const IMAGE_REFERENCE_PATTERN = `^${NAME}(?:${TAG})?(?:${DIGEST})?$`;
/** A well-formed reference pinned by digest. */
export const PINNED_IMAGE_PATTERN = `^${NAME}(?:${TAG})?${DIGEST}$`;
/** A bare 64-hex string is an image id, not a repository. */
const IMAGE_ID_PATTERN = '^[a-f0-9]{64}$';
/** The parser's limit on the written-out name (`docker.io/library/nginx`). */
const NAME_MAX_LENGTH = 255;
/** Stands in the list of written-out names for an image whose name is longer than that limit. */
const TOO_LONG = '!';

/**
 * The steps from the containers' images to the name each is matched by (`docker.io/library/nginx`),
 * as hardpod's parser writes it out; `` for an image that is absent or malformed, {@link TOO_LONG} for one
 * whose name is too long. One list per step: CEL of Kubernetes 1.30 has no let, and nesting the steps
 * would repeat each one several times over.
 */
const IMAGE_NAME_VARIABLES = [
  {
    name: 'images',
    expression: `variables.containers.map(c, has(c.image) && c.image.matches(r'${IMAGE_REFERENCE_PATTERN}') && !c.image.matches(r'${IMAGE_ID_PATTERN}') ? c.image : '')`,
  },
  // Without the digest, then without the tag (after the last ":" that follows the last "/"). On
  // Kubernetes 1.30 (cel-go 0.17) indexOf and lastIndexOf fail on an empty string ("index out of
  // range: -1"), so the absent and malformed images ('') never reach them.
  { name: 'imageNoDigest', expression: "variables.images.map(i, i.contains('@') ? i.substring(0, i.indexOf('@')) : i)" },
  { name: 'imageNoTag', expression: "variables.imageNoDigest.map(n, n != '' && n.substring(n.lastIndexOf('/') + 1).contains(':') ? n.substring(0, n.lastIndexOf(':')) : n)" },
  // The first component is a registry when it has a ".", a ":", an upper-case letter or a "[", or is localhost; else Docker Hub's.
  {
    name: 'imageWithRegistry',
    expression:
      "variables.imageNoTag.map(n, n == '' ? '' : n.contains('/') && (n.substring(0, n.indexOf('/')).matches(r'[.:A-Z\\[]') || n.substring(0, n.indexOf('/')) == 'localhost')" +
      " ? (n.substring(0, n.indexOf('/')) == 'index.docker.io' ? 'docker.io' + n.substring(n.indexOf('/')) : n) : 'docker.io/' + n)",
  },
  // Docker Hub's official images are under library/; only the registry written exactly docker.io gets it.
  { name: 'imageWithLibrary', expression: "variables.imageWithRegistry.map(n, n.startsWith('docker.io/') && !n.substring(10).contains('/') ? 'docker.io/library/' + n.substring(10) : n)" },
  {
    name: 'imageNames',
    expression: `variables.imageWithLibrary.map(n, n == '' ? '' : size(n) > ${NAME_MAX_LENGTH} ? '${TOO_LONG}' : n.substring(0, n.indexOf('/')).lowerAscii() + n.substring(n.indexOf('/')))`,
  },
];

/** How one rule is judged in CEL: extra variables, the expression that is true when the object passes, and the message's list of offenders. */
interface CelRule {
  /** What the rule's policy matches. @default the workloads */
  readonly target?: AdmissionTarget;
  readonly variables?: readonly { readonly name: string; readonly expression: string }[];
  readonly expression: (config: ResolvedConfig) => string;
  /** A CEL list of strings naming what fails (containers, images), for the message. @default none */
  readonly offenders?: (config: ResolvedConfig) => string;
}

/** Windows pods have no read-only root filesystem: the rule does not judge them. */
const WINDOWS_POD = "has(variables.podSpec.os) && variables.podSpec.os.name == 'windows'";

/**
 * Long-running containers: regular ones, and init containers with restartPolicy Always (native
 * sidecars, which every Kubernetes version serving these policies keeps).
 */
const LONG_RUNNING =
  `${listOf('containers')} + ${listOf('initContainers')}.filter(c, has(c.restartPolicy) && c.restartPolicy == 'Always')`;
/** A pod that runs to completion has nothing to probe for readiness. */
const RUNS_TO_COMPLETION = "has(variables.podSpec.restartPolicy) && variables.podSpec.restartPolicy in ['Never', 'OnFailure']";
/** Whether container `c` declares a port named by the string `port`. */
const declaresPort = (port: string): string => `has(c.ports) && c.ports.exists(p, has(p.name) && p.name == ${port})`;
/** A probe or hook handler `h` of `c` on a port name that `c` declares no port of (the kubelet then fails it every time). */
const namedPortMissing = (handler: string): string =>
  `has(${handler}) && has(${handler}.port) && type(${handler}.port) == string && !(${declaresPort(`${handler}.port`)})`;

/** Every probe of `c` whose port name the container does not declare, and every hook the kubelet cannot run. */
function probePortProblems(): string {
  const problems: string[] = [];
  for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
    for (const kind of ['httpGet', 'tcpSocket']) problems.push(`(has(c.${probe}) && ${namedPortMissing(`c.${probe}.${kind}`)})`);
  }
  for (const hook of ['postStart', 'preStop']) {
    const at = `c.lifecycle.${hook}`;
    problems.push(`(has(c.lifecycle) && has(${at}) && (${namedPortMissing(`${at}.httpGet`)} || has(${at}.tcpSocket)))`);
  }
  return problems.join(' || ');
}

/** The rules emitted, each as it is written in CEL; the check of each is in src/rules/<id>.ts. */
const CEL_RULES: Readonly<Record<string, CelRule>> = {
  'image-digest': {
    variables: IMAGE_NAME_VARIABLES,
    expression: () => `variables.containers.all(c, has(c.image) && c.image.matches(r'${PINNED_IMAGE_PATTERN}')) && !(${celString(TOO_LONG)} in variables.imageNames)`,
    offenders: () => `variables.containers.filter(c, !has(c.image) || !c.image.matches(r'${PINNED_IMAGE_PATTERN}')).map(c, c.name + ' (' + (has(c.image) ? c.image : 'no image') + ')')`,
  },
  'allowed-registries': {
    variables: IMAGE_NAME_VARIABLES,
    expression: (config) => `variables.imageNames.all(n, n == '' || n == ${celString(TOO_LONG)} || ${underAllowed(config)})`,
    offenders: (config) => `variables.imageNames.filter(n, n != '' && n != ${celString(TOO_LONG)} && !(${underAllowed(config)}))`,
  },
  'read-only-root-filesystem': {
    expression: () => `(${WINDOWS_POD}) || variables.containers.all(c, ${READ_ONLY})`,
    offenders: () => `variables.containers.filter(c, !(${READ_ONLY})).map(c, c.name)`,
  },
  'dedicated-service-account': {
    expression: () => "variables.serviceAccount != 'default'",
    offenders: () => '[variables.serviceAccount]',
    variables: [{
      name: 'serviceAccount',
      // serviceAccountName, else the deprecated serviceAccount, else default (what the API server fills in).
      expression:
        "has(variables.podSpec.serviceAccountName) && variables.podSpec.serviceAccountName != '' ? variables.podSpec.serviceAccountName" +
        " : has(variables.podSpec.serviceAccount) && variables.podSpec.serviceAccount != '' ? variables.podSpec.serviceAccount : 'default'",
    }],
  },
  'secrets-as-files': {
    expression: () => `variables.containers.all(c, !(${SECRET_IN_ENV}))`,
    offenders: () => `variables.containers.filter(c, ${SECRET_IN_ENV}).map(c, c.name)`,
  },
  'probes': {
    variables: [{ name: 'longRunning', expression: LONG_RUNNING }],
    expression: () => `(${RUNS_TO_COMPLETION}) || variables.longRunning.all(c, has(c.readinessProbe) && has(c.livenessProbe) && !(${probePortProblems()}))`,
    offenders: () => `variables.longRunning.filter(c, !has(c.readinessProbe) || !has(c.livenessProbe) || ${probePortProblems()}).map(c, c.name)`,
  },
  'not-default-namespace': {
    expression: () => "request.namespace != 'default'",
  },
  'rbac-no-wildcards': {
    target: ROLE_TARGET,
    expression: () => `!variables.rules.exists(r, ${RBAC_WILDCARD})`,
    offenders: () => `variables.rules.filter(r, ${RBAC_WILDCARD}).map(r, ${DESCRIBE_POLICY_RULE})`,
  },
  'rbac-no-escalate': {
    target: ROLE_TARGET,
    expression: () => `!variables.rules.exists(r, ${RBAC_ESCALATES})`,
    offenders: () => `variables.rules.filter(r, ${RBAC_ESCALATES}).map(r, ${DESCRIBE_POLICY_RULE})`,
  },
  'rbac-no-cluster-admin': {
    target: BINDING_TARGET,
    expression: () => "!(object.roleRef.kind == 'ClusterRole' && object.roleRef.name == 'cluster-admin')",
  },
};

/** A policy rule `r` of a Role or ClusterRole with a wildcard: in verbs or apiGroups, anywhere in a resource, or ending a URL. */
const RBAC_WILDCARD =
  "(has(r.verbs) && '*' in r.verbs) || (has(r.apiGroups) && '*' in r.apiGroups) || " +
  "(has(r.resources) && r.resources.exists(x, x.contains('*'))) || (has(r.nonResourceURLs) && r.nonResourceURLs.exists(u, u.endsWith('*')))";

/** Whether rule `r` grants `verb` (itself or `*`) in API group `group` (itself or `*`). */
const grantsVerbIn = (verb: string, group: string): string =>
  `has(r.verbs) && r.verbs.exists(v, v == '*' || v == ${celString(verb)}) && has(r.apiGroups) && r.apiGroups.exists(g, g == '*' || g == ${celString(group)})`;
/** Whether rule `r` names one of `resources` (none holding a subresource), or `*`. */
const namesResource = (resources: readonly string[]): string => `has(r.resources) && r.resources.exists(x, x == '*' || x in ${celList(resources)})`;
/**
 * A policy rule `r` granting bind or escalate on roles, or impersonate on users, groups, service
 * accounts, uids or user extras: as the rule's check reads the authorizer, a user extra is
 * `userextras/<key>`, which `userextras/<key>`, `*\/<key>` and `*` grant.
 */
const RBAC_ESCALATES = [
  `((${grantsVerbIn('bind', 'rbac.authorization.k8s.io')}) || (${grantsVerbIn('escalate', 'rbac.authorization.k8s.io')})) && ${namesResource(['roles', 'clusterroles'])}`,
  `${grantsVerbIn('impersonate', '')} && ${namesResource(['users', 'groups', 'serviceaccounts'])}`,
  `${grantsVerbIn('impersonate', 'authentication.k8s.io')} && has(r.resources) && ` +
    "r.resources.exists(x, x == '*' || x == 'uids' || x.startsWith('userextras/') || x.startsWith('*/'))",
].map((clause) => `(${clause})`).join(' || ');

/** What a failing policy rule `r` grants, for the message: `get list on pods/*`. */
const DESCRIBE_POLICY_RULE =
  "(has(r.verbs) ? r.verbs.join(' ') : '') + ' on ' + (has(r.resources) && size(r.resources) > 0 ? r.resources.join(' ') : " +
  "has(r.nonResourceURLs) ? r.nonResourceURLs.join(' ') : '') + (has(r.apiGroups) && size(r.apiGroups) > 0 ? ' in apiGroups ' + r.apiGroups.map(g, g == '' ? '\"\"' : g).join(' ') : '')";

const READ_ONLY = 'has(c.securityContext) && has(c.securityContext.readOnlyRootFilesystem) && c.securityContext.readOnlyRootFilesystem == true';
const SECRET_IN_ENV =
  '(has(c.env) && c.env.exists(e, has(e.valueFrom) && has(e.valueFrom.secretKeyRef))) || (has(c.envFrom) && c.envFrom.exists(e, has(e.secretRef)))';

/** Whether the written-out name `n` is under one of the configured registries (whole path components). */
function underAllowed(config: ResolvedConfig): string {
  const prefixes = (config.hardened.allowedRegistries ?? []).map(allowedRegistryPrefix);
  return `${celList(prefixes)}.exists(p, n == p || n.startsWith(p + '/'))`;
}

const RBAC_REASON = 'it reads the Role or ClusterRole a binding refers to (and the ClusterRoles aggregated into it), other objects than the one admitted';
const IMAGE_FACTS_REASON = 'it reads the image facts of the lock file, which the API server does not have';

/**
 * Why each hardened rule that is not emitted is not, in words, where it is not only that the rule
 * reads the image facts of the lock file ({@link IMAGE_FACTS_REASON}).
 */
const NOT_EMITTED: Readonly<Record<string, string>> = {
  'well-formed-objects': 'it says what the API server refuses in RBAC objects, NetworkPolicies, Namespaces, ServiceAccounts and LimitRanges; at admission the server\'s own validation refuses them',
  'resources': 'it reads the LimitRanges of the namespace: the API server writes their defaults into Pods, but not into pod templates, so a policy would refuse a Deployment that hardpod passes in a namespace whose LimitRange gives defaults',
  'service-account-token': 'it reads the pod\'s ServiceAccount, another object than the one admitted',
  'service-account-present': 'it reads whether the ServiceAccount exists, another object than the one admitted',
  'network-policy': 'it reads the NetworkPolicies of the namespace, other objects than the one admitted',
  'no-literal-credentials': 'its checks read shell scripts word by word and match values with look-ahead patterns, which CEL\'s regular expressions (RE2) cannot express exactly',
  'namespace-psa-labels': 'it reads the namespaces the input\'s workloads are in, other objects than the one admitted',
  'rbac-no-secret-read': RBAC_REASON,
  'rbac-no-exec': RBAC_REASON,
  'rbac-no-pod-create': RBAC_REASON,
  'image-signed': 'it reads the signatures hardpod lock verified and recorded in the lock file, which the API server does not have; verify signatures at admission with a signature admission controller (Sigstore policy-controller, Kyverno verifyImages)',
  'image-attested': 'it reads the attestations hardpod lock verified and recorded in the lock file, which the API server does not have; verify attestations at admission with a signature admission controller (Sigstore policy-controller, Kyverno verifyImages attestations)',
  'image-vulnerabilities': 'it reads the vulnerability scans hardpod lock verified and recorded in the lock file, which the API server does not have; gate scans at admission with a signature admission controller (Sigstore policy-controller, Kyverno verifyImages attestations with conditions on the vuln predicate)',
};

const POD_SECURITY_REASON = 'Pod Security admission enforces the Pod Security Standards rules from the namespace\'s pod-security.kubernetes.io/enforce label';

/**
 * Why {@link admissionPolicies} never emits a rule as an admission policy (`it reads the NetworkPolicies
 * of the namespace ...`), or undefined for a rule it emits when the config runs it (allowed-registries
 * only with hardened.allowedRegistries set).
 */
export function whyNoAdmissionPolicy(rule: Pick<AnyRule, 'id' | 'pss' | 'settings'>): string | undefined {
  if (rule.pss !== undefined) return POD_SECURITY_REASON;
  if (rule.id === 'well-formed-pod-spec') return 'it says what the API server refuses in a pod spec; at admission the server\'s own validation refuses it';
  if (CEL_RULES[rule.id] !== undefined) return undefined;
  if (NOT_EMITTED[rule.id] !== undefined) return NOT_EMITTED[rule.id];
  // A rule that reads the lock file's facts says so without being listed.
  if (rule.settings !== undefined && Object.prototype.hasOwnProperty.call(rule.settings, IMAGE_FACTS_SETTING)) return IMAGE_FACTS_REASON;
  return 'it cannot be expressed exactly as a policy judging one object';
}

/** Why a rule of the config is not emitted, or undefined when it is. */
function whyNotEmitted(rule: AnyRule, config: ResolvedConfig): string | undefined {
  const never = whyNoAdmissionPolicy(rule);
  if (never !== undefined) return never;
  if (rule.appliesUnder !== undefined && !rule.appliesUnder(config)) return `it does not apply under this config (${rule.id === 'allowed-registries' ? 'hardened.allowedRegistries is not set' : 'see the rule'})`;
  return undefined;
}

/** The parts of the config the policies do not carry, each said in words. */
function notCarried(config: ResolvedConfig, customKinds: boolean, emitted: ReadonlySet<string>): string[] {
  const notes: string[] = [];
  for (const entry of config.suppressions) {
    const target = emitted.has(entry.rule) ? targetOf(entry.rule) : undefined;
    if (target === undefined || !target.kinds.has(entry.kind)) continue;
    const reason = suppressionNotCarried(entry, target);
    if (reason !== undefined) notes.push(`the suppression of ${entry.rule} on ${describeEntry(entry)} is not carried: ${reason}`);
  }
  if (customKinds) notes.push('workloadKinds is not carried: the policies match the built-in workload kinds only');
  if (config.baselineEntries.length > 0) notes.push('the baseline is not carried: at admission every object is judged, including those with findings known before adoption');
  return notes;
}

/** Why a config suppression of an emitted rule on a kind its policy matches cannot be matched at admission, or undefined. */
function suppressionNotCarried(entry: SuppressionEntry, target: AdmissionTarget): string | undefined {
  if (entry.generateName !== undefined) return 'at admission the object has the name the API server generated, and whether it was written with one is not known';
  if (!entry.namespace && !target.clusterScoped?.has(entry.kind)) return `it names an object without a namespace, and at admission every ${entry.kind} has one`;
  return undefined;
}

/** What the policy of an emitted rule matches. */
function targetOf(rule: string): AdmissionTarget {
  return CEL_RULES[rule]?.target ?? WORKLOAD_TARGET;
}

function describeEntry(entry: SuppressionEntry): string {
  const name = entry.name ?? `${entry.generateName ?? ''}* (generateName)`;
  return `${entry.kind}${entry.group ? `.${entry.group}` : ''} ${entry.namespace ? `${entry.namespace}/` : ''}${name}`;
}

/** The conditions that exempt an object from the rule: its suppression annotation, and the config's suppressions of the rule. */
function matchConditions(rule: string, config: ResolvedConfig, target: AdmissionTarget): { name: string; expression: string }[] {
  const conditions: { name: string; expression: string }[] = [...target.conditions ?? []];
  if (!config.forbidSuppressions) {
    const key = celString(`${SUPPRESS_ANNOTATION_PREFIX}${rule}`);
    conditions.push({
      name: 'not-suppressed-by-annotation',
      // A suppression needs a reason: an empty one exempts nothing.
      expression: `!has(object.metadata.annotations) || !(${key} in object.metadata.annotations) || object.metadata.annotations[${key}].trim() == ''`,
    });
  }
  const entries = config.suppressions.filter((entry) =>
    entry.rule === rule && target.kinds.has(entry.kind) && suppressionNotCarried(entry, target) === undefined);
  if (entries.length > 0) {
    const named = entries.map((entry) => {
      const group = entry.group === undefined ? '' : ` && request.kind.group == ${celString(entry.group)}`;
      // A cluster-scoped object's request has no namespace at all (has(request.namespace) is false): its kind and name name it.
      const namespace = entry.namespace === undefined ? '' : ` && request.namespace == ${celString(entry.namespace)}`;
      return `(request.kind.kind == ${celString(entry.kind)}${group}${namespace} && object.metadata.name == ${celString(entry.name!)})`;
    });
    conditions.push({ name: 'not-suppressed-by-config', expression: `!(${named.join(' || ')})` });
  }
  return conditions;
}

/** A CEL variable, match condition or validation, as both kinds of policy write it. */
export interface CelVariable { readonly name: string; readonly expression: string }
export interface CelValidation { readonly expression: string; readonly message: string; readonly messageExpression?: string; readonly reason: 'Forbidden' }

/** One rule as every kind of policy emits it: the same CEL, conditions and enforcement. */
export interface PlannedRule {
  readonly rule: AnyRule;
  readonly enforcement: Enforcement;
  readonly severity: string;
  readonly policyName: string;
  /** What the policy matches, on create and update: a ValidatingAdmissionPolicy's (and Kyverno ValidatingPolicy's) resource rules. */
  readonly resourceRules: readonly ResourceRule[];
  /** The same as a Kyverno ClusterPolicy's `match.any[].resources.kinds`. */
  readonly kyvernoKinds: readonly string[];
  /** What the rule reads first (a workload's podSpec and containers, a role's rules), then the rule's own variables. */
  readonly variables: readonly CelVariable[];
  /** True when the object passes; its message names the rule, what fails and the remediation. */
  readonly validation: CelValidation;
  /** The conditions under which the rule judges the object (who and what is exempt, its suppressions): it is exempt unless all hold. */
  readonly conditions: readonly CelVariable[];
}

/** What every kind of admission policy emits from one config. */
export interface AdmissionPlan {
  readonly rules: readonly PlannedRule[];
  readonly omitted: readonly OmittedRule[];
  readonly notCarried: readonly string[];
}

/**
 * The rules of the config to emit as admission policies, each with its CEL, and those not emitted.
 * @param caller names the options in errors: `admissionPolicies`
 * @param checkResolved refuses a config the target cannot enforce (a Kubernetes version, ...)
 * @throws HardpodError for an invalid config or name prefix, or a config that leaves no rule to emit
 */
export function planAdmissionRules(
  config: EngineConfig | ResolvedConfig, options: AdmissionPolicyOptions, where: (key: string) => string, caller: string,
  checkResolved: (resolved: ResolvedConfig) => void = () => undefined,
): AdmissionPlan {
  const resolved = isResolvedConfig(config) ? config : resolveConfig(config, where);
  checkResolved(resolved);
  const prefix = options.namePrefix ?? 'hardpod-';
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9.-])?$/.test(prefix) && prefix !== '') {
    throw new HardpodError(`namePrefix ${JSON.stringify(prefix)} must be lowercase letters, digits, "-" and ".", starting with a letter or digit, as object names are`, `${caller} options.namePrefix`);
  }
  const rules: PlannedRule[] = [];
  const omitted: OmittedRule[] = [];
  for (const rule of RULES) {
    if (whyRuleDoesNotRun(rule, resolved) !== undefined) continue;
    const override = resolved.rules[rule.id];
    if (override?.enabled === false) continue;
    const reason = whyNotEmitted(rule, resolved);
    if (reason !== undefined) {
      omitted.push({ rule: rule.id, reason });
      continue;
    }
    const cel = CEL_RULES[rule.id];
    const target = cel.target ?? WORKLOAD_TARGET;
    rules.push({
      rule,
      enforcement: override?.enforcement ?? resolved.enforcement,
      severity: override?.severity ?? rule.severity,
      policyName: `${prefix}${rule.id}`,
      resourceRules: target.resourceRules,
      kyvernoKinds: target.kyvernoKinds,
      variables: [...target.variables, ...(cel.variables ?? [])],
      validation: validationOf(rule, cel, resolved),
      conditions: matchConditions(rule.id, resolved, target),
    });
  }
  if (rules.length === 0) {
    const why = resolved.level === 'hardened'
      ? 'every rule that can be emitted is disabled or not in the config\'s edition'
      : `level ${resolved.level} holds only Pod Security Standards rules, which Pod Security admission enforces from the namespace's pod-security.kubernetes.io/enforce label; admission policies are emitted for level hardened`;
    throw new HardpodError(`no rule to emit as an admission policy: ${why}`, where('level'));
  }
  return { rules, omitted, notCarried: notCarried(resolved, resolved.workloadKinds.configured > 0, new Set(rules.map((r) => r.rule.id))) };
}

/** The rule's validation: its expression, and a message naming the rule, what fails and the remediation. */
function validationOf(rule: AnyRule, cel: CelRule, config: ResolvedConfig): CelValidation {
  const what = `hardpod ${rule.id}: ${rule.title}`;
  const offenders = cel.offenders?.(config);
  return {
    expression: cel.expression(config),
    message: `${what} (fails). Remediation: ${rule.remediation}`,
    reason: 'Forbidden',
    ...(offenders === undefined ? {} : {
      messageExpression: `${celString(`${what}; fails for: `)} + ${offenders}.join(', ') + ${celString(`. Remediation: ${rule.remediation}`)}`,
    }),
  };
}

/**
 * The options' selectors as a ValidatingAdmissionPolicy binding's `matchResources` and a Kyverno
 * ValidatingPolicy's `matchConstraints` name them: only those given.
 */
export function selectorsOf(options: AdmissionPolicyOptions): Pick<AdmissionPolicyOptions, 'namespaceSelector' | 'objectSelector'> {
  return {
    ...(options.namespaceSelector !== undefined ? { namespaceSelector: options.namespaceSelector } : {}),
    ...(options.objectSelector !== undefined ? { objectSelector: options.objectSelector } : {}),
  };
}

/** The policies of a plan: the objects `objectsOf` makes of each planned rule, and what the plan emits and omits. */
export function policiesOf(plan: AdmissionPlan, objectsOf: (rule: PlannedRule) => KubeObject[]): AdmissionPolicies {
  return {
    objects: plan.rules.flatMap(objectsOf),
    emitted: plan.rules.map((r) => ({ rule: r.rule.id, enforcement: r.enforcement, policyName: r.policyName })),
    omitted: plan.omitted,
    notCarried: plan.notCarried,
  };
}

/**
 * The policies as one YAML stream, opening with comments: the title, which rules are emitted with
 * which enforcement, which rules of the config are not and why, and what of the config is not carried.
 * @param describe how the header says an emitted rule's enforcement and policy: `warn (policy hardpod-probes)`
 * @param notes what else the reader must know, a comment line each
 */
export function policiesYaml(
  title: string, policies: AdmissionPolicies, describe: (e: EmittedRule) => string, notes: readonly string[] = [],
): string {
  const { stringify } = yamlModule();
  const podSecurity = policies.omitted.filter((o) => o.reason === POD_SECURITY_REASON);
  const others = policies.omitted.filter((o) => o.reason !== POD_SECURITY_REASON);
  const header = [
    `# ${title}`,
    '# Emitted rules:',
    ...policies.emitted.map((e) => `#   ${e.rule}: ${describe(e)}`),
    ...(others.length > 0 ? ['# Rules of the config not emitted:', ...others.map((o) => `#   ${o.rule}: ${o.reason}`)] : []),
    ...(podSecurity.length > 0 ? [`#   Pod Security Standards rules (${podSecurity.map((o) => o.rule).join(', ')}): ${POD_SECURITY_REASON}`] : []),
    ...(policies.notCarried.length > 0 ? ['# Not carried from the config:', ...policies.notCarried.map((note) => `#   ${note}`)] : []),
    ...notes.map((note) => `# ${note}`),
  ];
  const documents = policies.objects.map((object) => stringify(object, { lineWidth: 0 }));
  return `${header.join('\n')}\n${documents.map((doc) => `---\n${doc}`).join('')}`;
}
