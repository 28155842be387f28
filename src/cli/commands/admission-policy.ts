import { ADMISSION_POLICY_FORMATS, admissionPoliciesOf, admissionPoliciesYamlOf, type AdmissionPolicyFormat } from '../../admission/formats';
import { loadConfigFile, parseKubernetesVersion, type EngineConfig } from '../../engine/config';
import { HardpodError } from '../../model/errors';
import { refuseUnwritablePath, writeFileAtomicChunks } from '../../model/files';
import { LEVELS, type Level } from '../../rules/rule';
import { oneOf, parseCommandArgs } from '../args';
import { EXIT, type CliContext, type Command } from '../command';

const USAGE = `Usage: hardpod admission-policy [options]

Writes the admission policies that enforce at admission, from the same config, the hardened rules
hardpod check enforces in CI: one policy per rule judged on one object (a workload, a Role or
ClusterRole, a binding) that CEL expresses exactly, as ValidatingAdmissionPolicies and bindings
(admissionregistration.k8s.io/v1, Kubernetes 1.30+) or as Kyverno policies, the same CEL in each.
Pod Security Standards rules are left to Pod Security admission (namespace labels). The YAML opens
with comments listing the rules emitted, the rules not emitted and why, and what of the config is
not carried.

Options:
  --format FORMAT      vap (default): ValidatingAdmissionPolicies and their bindings;
                       kyverno: Kyverno ValidatingPolicies (policies.kyverno.io/v1, Kyverno 1.17+;
                       warn enforcement is validationActions [Audit, Warn]);
                       kyverno-cluster-policy: Kyverno ClusterPolicies (kyverno.io/v1 with
                       validate.cel, Kyverno 1.13 to 1.19, deprecated by Kyverno 1.17; warn
                       enforcement is failureAction Audit)
  --config FILE        engine config (YAML or JSON): rule overrides (enabled, enforcement),
                       suppressions, hardened.allowedRegistries
  --level LEVEL        hardened (default: the config's, else hardened); baseline and restricted
                       hold only Pod Security rules, so nothing would be emitted
  --k8s-version 1.N    Kubernetes version of the cluster (default: the config's, else the newest);
                       1.30 or later for --format vap
  --output FILE        write the YAML to FILE, replaced atomically (default: standard output)
  -h, --help           show this help
`;

/** `hardpod admission-policy`: the config's rules as ValidatingAdmissionPolicies or Kyverno policies. */
export const admissionPolicyCommand: Command = {
  usage: USAGE,
  async run(context: CliContext): Promise<number> {
    const { values, positionals } = parseCommandArgs('admission-policy', context.args, {
      'format': { type: 'string' },
      'config': { type: 'string' },
      'level': { type: 'string' },
      'k8s-version': { type: 'string' },
      'output': { type: 'string' },
    });
    if (positionals.length > 0) {
      throw new HardpodError(`takes no arguments, got ${positionals.map((p) => JSON.stringify(p)).join(', ')} (the config is given with --config FILE)`, 'hardpod admission-policy');
    }
    const format = values.format === undefined ? 'vap' : oneOf<AdmissionPolicyFormat>('admission-policy', 'format', values.format, ADMISSION_POLICY_FORMATS);
    const level = values.level === undefined ? undefined : oneOf<Level>('admission-policy', 'level', values.level, LEVELS);
    if (values['k8s-version'] !== undefined) parseKubernetesVersion(values['k8s-version'], 'hardpod admission-policy --k8s-version');
    const toStdout = values.output === undefined || values.output === '-';
    if (!toStdout) refuseUnwritablePath(values.output!);

    const file = values.config === undefined ? undefined : loadConfigFile(values.config);
    const config: EngineConfig = {
      ...file?.config,
      ...(level ? { level } : {}),
      ...(values['k8s-version'] !== undefined ? { kubernetesVersion: values['k8s-version'] } : {}),
    };
    // A value from the command line is named by its flag; one from the file by its line.
    const where = (key: string): string => {
      if (key === 'level' && level !== undefined) return 'hardpod admission-policy --level';
      if (key === 'kubernetesVersion' && values['k8s-version'] !== undefined) return 'hardpod admission-policy --k8s-version';
      return file === undefined ? `hardpod admission-policy (config ${key})` : file.locate(key);
    };
    const policies = admissionPoliciesOf(format, config, {}, where);
    for (const note of policies.notCarried) context.stderr(`hardpod admission-policy: warning: ${note}\n`);
    const yaml = admissionPoliciesYamlOf(format, policies);
    if (toStdout) context.stdout(yaml);
    else await writeFileAtomicChunks(values.output!, (write) => write(yaml));
    return EXIT.ok;
  },
};
