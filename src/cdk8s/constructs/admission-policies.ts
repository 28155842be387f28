import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { admissionPoliciesOf, type AdmissionPolicies, type AdmissionPolicyFormat, type AdmissionPolicyOptions } from '../../admission';
import { HardpodError } from '../../model/errors';
import { describeType } from '../../model/pod-view';
import { checkOptionKeys, resolveValidationOptions, type ValidationOptions } from '../validation/options';

/** Props of {@link HardpodAdmissionPolicies}: the engine config, as `Hardpod.enforce` takes it, and where the policies apply. */
export interface HardpodAdmissionPoliciesProps extends Omit<ValidationOptions, 'lockFile'>, AdmissionPolicyOptions {
  /**
   * The kind of policy: `vap`, ValidatingAdmissionPolicies and their bindings (Kubernetes 1.30+);
   * `kyverno`, Kyverno ValidatingPolicies (Kyverno 1.17+); `kyverno-cluster-policy`, Kyverno
   * ClusterPolicies (Kyverno 1.13 to 1.19), as `hardpod admission-policy --format` names them.
   * @default 'vap'
   */
  readonly format?: AdmissionPolicyFormat;
  /**
   * Receives each part of the config the policies cannot carry (a suppression without a namespace,
   * custom `workloadKinds`, the baseline), which `hardpod check` still applies in CI.
   * @default prints each to standard error
   */
  readonly onWarning?: (message: string) => void;
}

/** Every prop the construct reads; the record type keeps the list in step with the props. */
const PROPS: Record<keyof HardpodAdmissionPoliciesProps, true> = {
  level: true, k8sVersion: true, config: true, format: true, namePrefix: true, namespaceSelector: true, objectSelector: true, onWarning: true,
};

/**
 * The config's hardened rules that CEL judges exactly on one workload object, as a
 * ValidatingAdmissionPolicy and binding each (Kubernetes 1.30+) or as a Kyverno policy each (see
 * `format`), so that the cluster refuses what `Hardpod.enforce` and `hardpod check` fail: the
 * objects `hardpod admission-policy` writes, for a platform team that installs its policy with its
 * own cdk8s app. The rules not emitted, and why, are in {@link policies}. The policies are
 * cluster-scoped: a chart's namespace is not set on them.
 *
 * The props are checked now: an unknown prop or format, a bad level, Kubernetes version (before 1.30
 * for ValidatingAdmissionPolicies) or config throws here.
 */
export class HardpodAdmissionPolicies extends Construct {
  /** What was emitted: the objects, the rules emitted and those not (with the reason), and what of the config is not carried. */
  readonly policies: AdmissionPolicies;
  /** Per emitted rule, its policy, then its binding for ValidatingAdmissionPolicies. */
  readonly apiObjects: readonly ApiObject[];

  constructor(scope: Construct, id: string, props: HardpodAdmissionPoliciesProps = {}) {
    super(scope, id);
    const where = this.node.path;
    checkOptionKeys(props, Object.keys(PROPS), where, 'property');
    if (props.onWarning !== undefined && typeof props.onWarning !== 'function') {
      throw new HardpodError(`onWarning must be a function, got ${describeType(props.onWarning)}`, `${where} onWarning`);
    }
    const { onWarning, format, namePrefix, namespaceSelector, objectSelector, ...validation } = props;
    const resolved = resolveValidationOptions(validation, (option) => `${where} ${option}`);
    this.policies = admissionPoliciesOf(format ?? 'vap', resolved.config, { namePrefix, namespaceSelector, objectSelector }, resolved.where, `${where} format`);
    const warn = onWarning ?? ((message: string) => process.stderr.write(`${message}\n`));
    for (const note of this.policies.notCarried) warn(`hardpod warning: ${where}: ${note}`);
    const clusterScoped = Chart.of(this).namespace !== undefined;
    this.apiObjects = this.policies.objects.map((object, i) => {
      const apiObject = new ApiObject(this, `${object.kind}${i}`, object as never);
      if (clusterScoped) apiObject.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
      return apiObject;
    });
  }
}
