/**
 * Plain scalars as the YAML 1.2 core schema resolves them, the schema hardpod's own files (the config
 * file) are read with, exactly as the `yaml` package does by default. Kubernetes manifests are read
 * the YAML 1.1 way instead (kubernetes-scalars.ts): `yes` is a string here, `0o17` an integer.
 */

const CORE_NULL = /^(?:~|[Nn]ull|NULL)?$/;
const CORE_TRUE = /^(?:[Tt]rue|TRUE)$/;
const CORE_FALSE = /^(?:[Ff]alse|FALSE)$/;
const CORE_OCTAL = /^0o[0-7]+$/;
const CORE_DECIMAL = /^[-+]?[0-9]+$/;
const CORE_HEX = /^0x[0-9a-fA-F]+$/;
const CORE_SPECIAL_FLOAT = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const CORE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

/** The value of a plain scalar under the YAML 1.2 core schema: null, a boolean, a number or the text itself. */
export function resolveCoreScalar(plain: string): unknown {
  if (CORE_NULL.test(plain)) return null;
  if (CORE_TRUE.test(plain)) return true;
  if (CORE_FALSE.test(plain)) return false;
  if (CORE_OCTAL.test(plain)) return parseInt(plain.slice(2), 8);
  if (CORE_DECIMAL.test(plain)) return parseInt(plain, 10);
  if (CORE_HEX.test(plain)) return parseInt(plain.slice(2), 16);
  if (CORE_SPECIAL_FLOAT.test(plain)) return plain.slice(-3).toLowerCase() === 'nan' ? NaN : plain.startsWith('-') ? -Infinity : Infinity;
  if (CORE_FLOAT.test(plain)) return parseFloat(plain);
  return plain;
}
