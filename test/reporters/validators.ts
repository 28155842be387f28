import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import Ajv from 'ajv';

/** Validators shared by the reporter and CLI tests: the official SARIF schema and a strict XML parser. */

const SCHEMA = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8'));

/** ajv with the string formats the SARIF schema uses (ajv-formats is not a dependency). */
export function sarifValidator() {
  // The schema's patterns are ECMAScript regexes without the unicode flag (one is invalid with it).
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat('uri', (s: string) => /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s) && URL.canParse(s));
  ajv.addFormat('uri-reference', (s: string) => !/[\s<>"{}|\\^`]/.test(s) && URL.canParse(s, 'file:///base/'));
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  return ajv.compile(SCHEMA);
}

/** Parses XML strictly: any well-formedness error throws. */
export function parseXml(xml: string) {
  return new DOMParser({ onError: (level, message) => { if (level !== 'warning') throw new Error(`${level}: ${message}`); } })
    .parseFromString(xml, 'text/xml');
}

