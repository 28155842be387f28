import * as jsYaml from 'js-yaml';
import { CORE_SCHEMA, type Type as YamlType } from 'js-yaml';
import type { ScalarResolver } from './block-yaml';

/**
 * YAML as Kubernetes reads it: the core schema plus merge keys. Unlike js-yaml's default schema, an
 * unquoted date stays a string (as it does through kubectl's YAML-to-JSON conversion), and no plain
 * scalar pays for the timestamp check. Tagged values of the other YAML 1.1 types still load. (js-yaml's
 * type definitions lack its `types` export.)
 */
const yamlTypes = (jsYaml as unknown as { types: Readonly<Record<'merge' | 'timestamp' | 'binary' | 'omap' | 'pairs' | 'set', YamlType>> }).types;
export const KUBERNETES_SCHEMA = CORE_SCHEMA.extend({
  implicit: [yamlTypes.merge],
  explicit: [yamlTypes.timestamp, yamlTypes.binary, yamlTypes.omap, yamlTypes.pairs, yamlTypes.set],
});

/** The schema's implicit types, in js-yaml's order: the block parser resolves plain scalars with exactly these. */
export const KUBERNETES_SCALAR_RESOLVERS = (KUBERNETES_SCHEMA as unknown as { compiledImplicit: readonly ScalarResolver[] }).compiledImplicit;
