/**
 * The Pulumi front door: hardened ComponentResources, the policy pack and the stack transform.
 *
 * hardpod/pulumi: the Pulumi front door. @pulumi/pulumi, @pulumi/kubernetes and @pulumi/policy are optional peer dependencies.
 *
 * What Pulumi policies can and cannot see: every resource whose type is a Kubernetes kind, including
 * the objects helm.v4.Chart, yaml.v2.ConfigFile/ConfigGroup and kustomize.v2.Directory register as
 * children. The objects inside a helm.v3.Release are installed by Helm itself and are never Pulumi
 * resources: no policy (and no transform) can check them. The `not-checked` policy reports every
 * helm.v3.Release; use helm.v4.Chart, or check `helm template` output with `hardpod check` in CI.
 *
 * @module hardpod/pulumi
 */
export * from './components';
export * from './inputs';
export * from './policy';
export * from './transform';
export { kubernetesTypeOf, HELM_RELEASE_TYPE, type OpacityTest } from './resource-props';
