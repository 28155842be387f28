/**
 * Drives policies through @pulumi/policy's own analyzer RPC handlers (the code the Pulumi engine
 * talks to over gRPC), with protobuf requests shaped as the engine sends them. So the tests see
 * what a `pulumi preview` would: the unknown-checking proxy, secret handling, the downgrade of
 * unknowns to advisory, and remediation results serialized back into a Struct.
 */
import type { Policies } from '@pulumi/policy';

/* eslint-disable @typescript-eslint/no-require-imports */
const server = require('@pulumi/policy/server') as {
  makeAnalyzeRpcFun: RpcFactory;
  makeAnalyzeStackRpcFun: RpcFactory;
  makeRemediateRpcFun: RpcFactory;
};
const analyzerproto = require('@pulumi/pulumi/proto/analyzer_pb');
// The Struct class of the protobuf runtime @pulumi/pulumi itself uses.
const structproto = require(require.resolve('google-protobuf/google/protobuf/struct_pb', { paths: [require.resolve('@pulumi/pulumi')] }));
/* eslint-enable @typescript-eslint/no-require-imports */

type Rpc = (call: { request: unknown }, callback: (error: Error | undefined, response: any) => void) => Promise<void>;
type RpcFactory = (pack: string, version: string, enforcement: string, policies: Policies) => Rpc;

/** Where requests go: the analyzer handlers in this process, or a served policy pack over gRPC. */
export interface AnalyzerTarget {
  readonly analyze: (request: unknown) => Promise<any>;
  readonly analyzeStack: (request: unknown) => Promise<any>;
  readonly remediate: (request: unknown) => Promise<any>;
}

function inProcess(policies: Policies): AnalyzerTarget {
  const via = (factory: RpcFactory) => (request: unknown) => call(factory('hardpod-test', '0.0.1', 'advisory', policies), request);
  return { analyze: via(server.makeAnalyzeRpcFun), analyzeStack: via(server.makeAnalyzeStackRpcFun), remediate: via(server.makeRemediateRpcFun) };
}

function targetOf(policies: Policies | AnalyzerTarget): AnalyzerTarget {
  return Array.isArray(policies) ? inProcess(policies) : (policies as AnalyzerTarget);
}

/* eslint-disable @typescript-eslint/no-require-imports */
const fromPulumi = (id: string) => require(require.resolve(id, { paths: [require.resolve('@pulumi/pulumi')] }));
/* eslint-enable @typescript-eslint/no-require-imports */

/** A policy pack served over gRPC (as the Pulumi CLI reaches it), plus its GetAnalyzerInfo. */
export interface ServedPack extends AnalyzerTarget {
  readonly info: () => Promise<{ name: string; enforcement: Diagnostic['enforcement']; severity: string }[]>;
  readonly close: () => void;
}

export function overGrpc(address: string): ServedPack {
  const grpc = fromPulumi('@grpc/grpc-js');
  const services = require('@pulumi/pulumi/proto/analyzer_grpc_pb'); // eslint-disable-line @typescript-eslint/no-require-imports
  const empty = fromPulumi('google-protobuf/google/protobuf/empty_pb');
  const client = new services.AnalyzerClient(address, grpc.credentials.createInsecure());
  const unary = (method: string) => (request: unknown) => new Promise<any>((resolve, reject) => {
    client[method](request, (error: Error | null, response: any) => (error ? reject(error) : resolve(response)));
  });
  const severities = Object.fromEntries(Object.entries(analyzerproto.PolicySeverity as Record<string, number>).map(([n, v]) => [v, n.replace('POLICY_SEVERITY_', '').toLowerCase()]));
  return {
    analyze: unary('analyze'),
    analyzeStack: unary('analyzeStack'),
    remediate: unary('remediate'),
    info: async () => {
      const info = await unary('getAnalyzerInfo')(new empty.Empty());
      return info.getPoliciesList().map((p: any) => ({
        name: p.getName(), enforcement: ENFORCEMENT_NAMES[p.getEnforcementlevel()], severity: severities[p.getSeverity()],
      }));
    },
    close: () => client.close(),
  };
}

/** The engine's marker for a value not known during preview. */
export const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
/** How the engine marks a secret value. */
export function secret(value: unknown): Record<string, unknown> {
  return { '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270', value };
}

export interface Diagnostic {
  readonly policy: string;
  readonly message: string;
  readonly enforcement: 'advisory' | 'mandatory' | 'remediate' | 'disabled';
  readonly urn: string;
}

const ENFORCEMENT_NAMES = Object.fromEntries(
  Object.entries(analyzerproto.EnforcementLevel as Record<string, number>).map(([name, value]) => [value, name.toLowerCase()]),
) as Record<number, Diagnostic['enforcement']>;

function call(rpc: Rpc, request: unknown): Promise<any> {
  return new Promise((resolve, reject) => {
    void rpc({ request }, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

function diagnostics(response: any): Diagnostic[] {
  return response.getDiagnosticsList().map((d: any) => ({
    policy: d.getPolicyname(),
    message: d.getMessage(),
    enforcement: ENFORCEMENT_NAMES[d.getEnforcementlevel()],
    urn: d.getUrn(),
  }));
}

export function urnOf(type: string, name: string): string {
  return `urn:pulumi:dev::app::${type}::${name}`;
}

/** What the engine sends for one resource during preview or update. */
export interface ResourceInput {
  readonly type: string;
  readonly name: string;
  readonly props: Record<string, unknown>;
  /** URN of the provider resource it is managed by (a cluster's), as the engine sends it. @default none */
  readonly provider?: string;
}

/** Fills an AnalyzeRequest or AnalyzerResource as the engine does (it always sets the resource options). */
function describeResource<T>(message: T, resource: ResourceInput): T {
  const m = message as any;
  m.setType(resource.type);
  m.setName(resource.name);
  m.setUrn(urnOf(resource.type, resource.name));
  m.setProperties(structproto.Struct.fromJavaScript(resource.props));
  m.setOptions(new analyzerproto.AnalyzerResourceOptions());
  if (resource.provider !== undefined) {
    const provider = new analyzerproto.AnalyzerProviderResource();
    provider.setType('pulumi:providers:kubernetes');
    provider.setUrn(resource.provider);
    provider.setName(resource.provider.split('::').pop());
    provider.setProperties(structproto.Struct.fromJavaScript({}));
    m.setProvider(provider);
  }
  return message;
}

function analyzeRequest(resource: ResourceInput): unknown {
  return describeResource(new analyzerproto.AnalyzeRequest(), resource);
}

/** Runs every resource policy on one resource, as the engine's Analyze call does. */
export async function analyze(policies: Policies | AnalyzerTarget, resource: ResourceInput): Promise<Diagnostic[]> {
  return diagnostics(await targetOf(policies).analyze(analyzeRequest(resource)));
}

/** Runs every stack policy over the resources, as the engine's AnalyzeStack call does at the end of a run. */
export async function analyzeStack(policies: Policies | AnalyzerTarget, resources: readonly ResourceInput[]): Promise<Diagnostic[]> {
  const request = new analyzerproto.AnalyzeStackRequest();
  request.setResourcesList(resources.map((r) => describeResource(new analyzerproto.AnalyzerResource(), r)));
  return diagnostics(await targetOf(policies).analyzeStack(request));
}

export interface Remediation {
  readonly policy: string;
  readonly properties?: Record<string, unknown>;
  readonly diagnostic?: string;
}

/** Runs every remediation on one resource, as the engine's Remediate call does before validation. */
export async function remediate(policies: Policies | AnalyzerTarget, resource: ResourceInput): Promise<Remediation[]> {
  // The engine sends remediations the same request as analyses.
  const request = analyzeRequest(resource);
  const response = await targetOf(policies).remediate(request);
  return response.getRemediationsList().map((r: any) => ({
    policy: r.getPolicyname(),
    ...(r.getProperties() ? { properties: r.getProperties().toJavaScript() } : {}),
    ...(r.getDiagnostic() ? { diagnostic: r.getDiagnostic() } : {}),
  }));
}

/** Props of a Deployment as the engine hands them over (a plain typed resource, e.g. from helm.v4.Chart). */
export function deploymentProps(container: Record<string, unknown>, pod: Record<string, unknown> = {}, image = `ghcr.io/acme/web@sha256:${'a'.repeat(64)}`): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { ...pod, containers: [{ name: 'web', image, ...container }] } },
    },
  };
}
