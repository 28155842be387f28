import { allowPrivilegeEscalation } from './allow-privilege-escalation';
import { allowedRegistries } from './allowed-registries';
import { appArmorProfile } from './app-armor-profile';
import { capabilitiesBaseline } from './capabilities-baseline';
import { capabilitiesRestricted } from './capabilities-restricted';
import { dedicatedServiceAccount } from './dedicated-service-account';
import { hostNamespaces } from './host-namespaces';
import { hostPathVolumes } from './host-path-volumes';
import { hostPorts } from './host-ports';
import { hostProbesAndHostLifecycle } from './host-probes-and-host-lifecycle';
import { imageApprovedBase } from './image-approved-base';
import { imageAttested } from './image-attested';
import { imageDigest } from './image-digest';
import { imageMinimal } from './image-minimal';
import { imageNoSetuid } from './image-no-setuid';
import { imageNonRootUser } from './image-non-root-user';
import { imagePortExposed } from './image-port-exposed';
import { imageSigned } from './image-signed';
import { imageToolPresent } from './image-tool-present';
import { imageVulnerabilities } from './image-vulnerabilities';
import { namespacePsaLabels } from './namespace-psa-labels';
import { networkPolicy } from './network-policy';
import { noLiteralCredentials } from './no-literal-credentials';
import { notDefaultNamespace } from './not-default-namespace';
import { privileged } from './privileged';
import { probes } from './probes';
import { procMount } from './proc-mount';
import { procMountRestricted } from './proc-mount-restricted';
import { rbacNoClusterAdmin } from './rbac-no-cluster-admin';
import { rbacNoEscalate } from './rbac-no-escalate';
import { rbacNoExec } from './rbac-no-exec';
import { rbacNoPodCreate } from './rbac-no-pod-create';
import { rbacNoSecretRead } from './rbac-no-secret-read';
import { rbacNoWildcards } from './rbac-no-wildcards';
import { readOnlyRootFilesystem } from './read-only-root-filesystem';
import { resources } from './resources';
import { restrictedVolumes } from './restricted-volumes';
import type { AnyRule, ControlMapping } from './rule';
import { runAsNonRoot } from './run-as-non-root';
import { runAsUser } from './run-as-user';
import { seLinuxOptions } from './se-linux-options';
import { seccompProfileBaseline } from './seccomp-profile-baseline';
import { seccompProfileRestricted } from './seccomp-profile-restricted';
import { secretsAsFiles } from './secrets-as-files';
import { serviceAccountPresent } from './service-account-present';
import { serviceAccountToken } from './service-account-token';
import { cisDocker } from './support/image-facts';
import { cis, nist } from './support/pss';
import { sysctls } from './sysctls';
import { wellFormedObjects } from './well-formed-objects';
import { wellFormedPodSpec } from './well-formed-pod-spec';
import { windowsHostProcess } from './windows-host-process';

/**
 * Every rule hardpod knows, in report order. Each rule lives in its own file named after its id.
 * Add a rule by importing it here (Pod Security Standards checks first, then hardpod's own).
 */
export const RULES: readonly AnyRule[] = [
  wellFormedPodSpec,
  // Pod Security Standards, baseline
  privileged,
  hostNamespaces,
  hostPorts,
  hostPathVolumes,
  windowsHostProcess,
  capabilitiesBaseline,
  appArmorProfile,
  seLinuxOptions,
  procMount,
  seccompProfileBaseline,
  sysctls,
  hostProbesAndHostLifecycle,
  // Pod Security Standards, restricted
  allowPrivilegeEscalation,
  capabilitiesRestricted,
  procMountRestricted,
  restrictedVolumes,
  runAsNonRoot,
  runAsUser,
  seccompProfileRestricted,
  // hardened: hardpod's own controls
  wellFormedObjects,
  imageDigest,
  allowedRegistries,
  readOnlyRootFilesystem,
  resources,
  serviceAccountToken,
  dedicatedServiceAccount,
  serviceAccountPresent,
  networkPolicy,
  secretsAsFiles,
  noLiteralCredentials,
  probes,
  notDefaultNamespace,
  namespacePsaLabels,
  rbacNoClusterAdmin,
  rbacNoWildcards,
  rbacNoSecretRead,
  rbacNoExec,
  rbacNoPodCreate,
  rbacNoEscalate,
  // hardened: image facts recorded by `hardpod lock`
  imageNonRootUser,
  imageMinimal,
  imageNoSetuid,
  imageToolPresent,
  imagePortExposed,
  imageSigned,
  imageAttested,
  imageApprovedBase,
  imageVulnerabilities,
];

/**
 * The CIS Kubernetes, CIS Docker and NIST SP 800-190 controls a manifest-level check can enforce
 * (the design's controls catalogue), whether or not a rule checks them yet: the controls view lists
 * each, so an audit sees the ones no rule checks (NIST SP 800-190 4.2.3) rather than missing
 * them. Beyond the design's RBAC row (5.1.1-5.1.4), the
 * benchmark numbers what rbac-no-escalate checks 5.1.8 (bind, impersonate and escalate) and the
 * nodes/proxy access rbac-no-exec checks 5.1.10. Every such control a rule maps must be listed here.
 */
export const CONTROLS: readonly ControlMapping[] = [
  ...cis(
    '5.1.1', '5.1.2', '5.1.3', '5.1.4', '5.1.5', '5.1.6', '5.1.8', '5.1.10',
    '5.2.1', '5.2.2', '5.2.3', '5.2.4', '5.2.5', '5.2.6', '5.2.7', '5.2.8', '5.2.9', '5.2.10', '5.2.11', '5.2.12', '5.2.13',
    '5.3.2', '5.4.1', '5.5.1', '5.7.2', '5.7.3', '5.7.4',
  ),
  ...cisDocker('4.1', '4.2', '4.3', '4.4', '4.5', '4.8'),
  ...nist('4.1.1', '4.1.2', '4.1.4', '4.1.5', '4.2.2', '4.2.3', '4.3.1', '4.3.3', '4.3.4', '4.4.2', '4.4.3', '4.4.4', '4.5.5'),
];

/** The newest rule-set edition: a config without an edition pin runs every rule. */
export const NEWEST_EDITION: number = RULES.reduce((max, rule) => Math.max(max, rule.edition), 1);

const BY_ID = new Map(RULES.map((rule) => [rule.id, rule]));

/** The rule with this id, or undefined. */
export function ruleById(id: string): AnyRule | undefined {
  return BY_ID.get(id);
}
