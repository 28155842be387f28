import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { dump, load as loadJsYaml } from 'js-yaml';
import { canonicalJson, disagreements, missingKubectl, readBoth, readWithKubectl } from './kubectl-reading';
import { ManifestSet } from '../../src/loader';
import { KUBERNETES_SCHEMA } from '../../src/loader/kubernetes-schema';
import { isHardpodError } from '../../src/model/errors';
import { dumpOptions, value as yamlValue } from '../fixtures/yaml-arbitraries';
import { describeWithTools } from '../harness/required-tools';

/**
 * The YAML syntax around the values, read by hardpod and by the real kubectl: document streams,
 * anchors and merges, tags, quoted and block scalars, keys, JSON. Wherever kubectl reads a file,
 * hardpod reads the same objects or refuses the file naming the line and why (a duplicated key,
 * a merge whose result depends on the YAML tool); wherever kubectl refuses a file, hardpod does too.
 */

/** A Pod's head; `name` tells the objects of a stream apart. */
const pod = (name: string): string => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n`;
/** A Pod with `body` (lines indented by two) under the field `x`. */
const withX = (body: string): string => `${pod('p')}x:\n${body}`;
const jsonPod = (name: string, extra = ''): string => `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"${name}"}${extra}}`;

const STREAMS: Record<string, string> = {
  'separator with trailing spaces': `${pod('a')}---   \n${pod('b')}`,
  'separator with a tab': `${pod('a')}---\t\n${pod('b')}`,
  'separator with a comment': `${pod('a')}--- # next\n${pod('b')}`,
  'separator with a comment and no space': `${pod('a')}---# next\n${pod('b')}`,
  'document end then separator': `${pod('a')}...\n---\n${pod('b')}`,
  'document end with a comment, comments after it': `${pod('a')}... # end\n# between\n\n---\n${pod('b')}`,
  'document end at the end': `${pod('a')}...\n`,
  'leading and trailing empty documents': `---\n---\n${pod('a')}---\n---\n`,
  'a document of comments only': `${pod('a')}---\n# only a comment\n---\n${pod('b')}`,
  'null and ~ documents': `null\n---\n~\n---\n${pod('a')}`,
  '--- indented inside a literal block scalar': `${pod('a')}data:\n  x: |\n    one\n    ---\n    two\n`,
  '... at column 0 ends a literal block scalar': `${pod('a')}data:\n  x: |\n    one\n...\n`,
  'CRLF line endings': `${pod('a')}x:\n  y: |\n    one\n    two\n  z: "a\n    b"\n---\n${pod('b')}`.replace(/\n/g, '\r\n'),
  'a byte order mark': `\uFEFF${pod('a')}---\n${pod('b')}`,
  'a byte order mark starting a later document (files joined)': `\uFEFF${pod('a')}---\n\uFEFF${pod('b')}---\n\uFEFF{apiVersion: v1, kind: Pod, metadata: {name: c}}\n`,
  'a separator at the very end without a newline': `${pod('a')}---`,
  'no newline at the end': pod('a').trimEnd(),
  'a comment-only file': '# nothing here\n',
  'an empty file': '',
  'flow-style documents': `{apiVersion: v1, kind: Pod, metadata: {name: a}}\n---\n${pod('b')}`,
};

const ANCHORS_AND_MERGES: Record<string, string> = {
  'an anchored mapping and its alias': withX('  a: &x {p: 1, q: [1, 2]}\n  b: *x\n'),
  'anchored sequences and scalars': withX('  a: &s [1, 2]\n  b: *s\n  c: &v text\n  d: *v\n'),
  'an anchored key': withX('  &k key: v\n  other: *k\n'),
  'anchors and tags before a mapping\'s first key where a key may start': withX('  a: &m\n    b: c\n  l:\n  - &i d: e\n  - !!map f: g\n  ? &k h\n  : i\n'),
  'an alias as a key': withX('  a: &k p\n  *k : 1\n'),
  'a merge, then an explicit key overriding it': withX('  base: &b {p: 1, q: 2}\n  m:\n    <<: *b\n    q: 3\n'),
  'a merge of a list: the first mapping wins': withX('  a: &a {p: 1, q: 1}\n  b: &b {q: 2, r: 2}\n  m:\n    <<: [*a, *b]\n'),
  'nested merges': withX('  a: &a {p: 1}\n  b: &b\n    <<: *a\n    q: 2\n  m:\n    <<: *b\n    r: 3\n'),
  'a merge of an inline mapping': withX('  m:\n    <<: {p: 1}\n    q: 2\n'),
  'two merges setting different keys': withX('  a: &a {p: 1}\n  b: &b {q: 2}\n  m:\n    <<: *a\n    <<: *b\n'),
  'an explicit key before a merge of other keys': withX('  a: &a {p: 1}\n  m:\n    q: 2\n    <<: *a\n'),
  'a quoted << is a plain key': withX('  m:\n    "<<": {p: 1}\n'),
  'a merge in a flow mapping': withX('  a: &a {p: 1}\n  m: {<<: *a, q: 2}\n'),
};

const TAGS: Record<string, string> = {
  '!!str': withX('  a: !!str 010\n  b: !!str true\n  c: !!str\n  d: !!str 2024-01-01\n'),
  '!!int': withX('  a: !!int "7"\n  b: !!int 010\n  c: !!int 0x1F\n  d: !!int 1_000\n'),
  '!!bool': withX('  a: !!bool "yes"\n  b: !!bool true\n  c: !!bool off\n'),
  '!!float': withX('  a: !!float 1\n  b: !!float "2.5"\n  c: !!float 1e3\n  d: !!float 010\n'),
  '!!null': withX('  a: !!null ""\n  b: !!null\n  c: !!null ~\n  d: !!null Null\n'),
  '!!binary': withX('  a: !!binary aGVsbG8=\n  b: !!binary |\n    aGVs\n    bG8=\n  c: !!binary /w==\n  d: !!binary 4pyTIMOgIGxh\n  e: !!binary ""\n'),
  '!!timestamp keeps its text': withX('  a: !!timestamp 2024-01-01\n  b: !!timestamp 2001-12-14t21:59:43.10-05:00\n  c: !!timestamp "2001-12-14 21:59:43.10"\n  d: !!timestamp 2024-1-2T3:4:5Z\n'),
  '!!timestamp with several spaces between date and time (time.Parse takes any number for the layout\'s one)': withX('  a: !!timestamp "2024-01-02  3:04:05"\n  b: !!timestamp "1999-10-28   00:00:00.1234567891"\n'),
  '!!timestamp on leap days, year 0 included': withX('  a: !!timestamp 0000-02-29\n  b: !!timestamp 2000-02-29\n  c: !!timestamp 0004-2-29\n  d: !!timestamp 2024-02-29\n'),
  'local tags are ignored': withX('  a: !foo bar\n  b: !foo 1\n  c: !foo {p: 1}\n  d: !foo [1]\n  e: !foo\n  f: !foo ~\n  g: !foo true\n'),
  'verbatim tags': withX('  a: !<tag:yaml.org,2002:str> 1\n  b: !<!bar> 2\n'),
  'the non-specific tag': withX('  a: ! 12\n  b: ! true\n'),
  'collection tags are ignored': withX('  a: !!set {p, q}\n  b: !!set {p: 1}\n  c: !!omap [{p: 1}, {q: 2}]\n  d: !!pairs [{p: 1}, {q: 2}]\n  e: !!str {p: 1}\n  f: !!int [1]\n  g: !!map {p: 1}\n  h: !!seq [1]\n'),
  'collection and unknown tags on scalars': withX('  a: !!seq x\n  b: !!map x\n  c: !!merge x\n  d: !!yes x\n  e: !!set x\n'),
  'collection and string tags on empty values (the empty string)': withX('  a: !!map\n  b: !!seq\n  c: [!!map , !!seq , !!str , !foo ]\n  d: {p: !!map , q: !!seq # c\n    }\n  e: !!str\n'),
  'tagged keys': withX('  !!str 1: v\n  !!int "2": w\n  !foo 3: z\n'),
  'tags with anchors': withX('  a: &a !!str 1\n  b: *a\n  c: !!int &c "3"\n  d: *c\n'),
};

const SCALARS_AND_KEYS: Record<string, string> = {
  'double-quoted escapes': withX('  a: "\\x41\\u00e9\\U0001F600\\xff"\n  b: "\\N\\_\\L\\P\\t|\\e\\a\\b\\0\\v\\f\\r\\ \\"\\\\"\n  c: "tab\\\there"\n'),
  'a double-quoted key with escapes': withX('  "\\x41b": 1\n  "c\\td": 2\n'),
  'multi-line double-quoted folding': withX('  a: "one\n    two\n\n    three   \n    four\\\n    five"\n  b: "  lead\n\n\n    \\  trail  "\n'),
  'multi-line single-quoted folding': withX("  a: 'one\n    two\n\n    three''s\n    four'\n  b: ''''\n"),
  'literal and folded block scalars with chomping and indentation indicators': withX('  a: |-\n    x\n\n  b: |+\n    y\n\n  c: |\n    z\n\n\n  d: |2\n      indented\n    base\n  e: >\n    one\n    two\n\n    three\n      more\n    four\n  f: >-\n    x\n    y\n  g: >+\n    z\n\n  h: >2-\n     lead\n    text\n'),
  'a kept block scalar at the end of a document, before ---': `${withX('  a: |+\n    y\n\n\n')}---\n${pod('b')}`,
  'a clipped block scalar at the end of a document, before ---': `${withX('  a: |\n    y\n\n\n')}---\n${pod('b')}`,
  'a kept block scalar at the end of the file, no final newline': withX('  a: |+\n    y\n\n  '),
  'a block scalar with leading blank lines': withX('  a: |\n\n    y\n  b: >\n\n\n    z\n'),
  'multi-line plain scalars': withX('  a: one\n    two\n\n    three\n  b: a:b\n    c#d\n'),
  'flow collections over several lines': withX('  a: [1,\n    2, {p: 1,\n    q: 2}]\n  b: {p: [x,\n    y], q: "s\n    t"}\n'),
  'flow collections with trailing commas and pairs': withX('  a: [1, 2, ]\n  b: {p: 1, }\n  c: [p: 1, q]\n'),
  'a lone dash in flow collections': withX('  a: [cat, -]\n  b: {p: -, q: [-,-]}\n'),
  'the word null as a key, quoted or tagged as a string': withX('  "null": 1\n  b: {\'null\': 2, !!str ~: 3, -: 4}\n'),
  'colons in flow collections that both readers take alike': withX('  a: [a:b, {p:1}, a: , "q":1, \'r\':]\n  b: {"p":[1], \'q\':{r: 1}, s:t: u}\n  c: "[x:, y]"\n'),
  'keys with spaces, quoted keys, explicit keys': withX('  a key with spaces: 1\n  "quoted key": 2\n  \'single\': 3\n  ? a\n  : 4\n  ? b\n  c: 5\n'),
  'empty values': withX('  a:\n  b: ""\n  c: []\n  d: {}\n  e:\n  -\n  - x\n'),
  'a tab after a colon': withX('  a:\t1\n'),
  'a dash and a tab on a line inside multi-line scalars, and a tab after a key in a list item': withX('  a: >\n    x\n    - \ty\n  b: x\n    - \ty\n  c: "x\n    - \ty"\n  d:\n  - e: \tf\n'),
  'keys of 1024 characters (UTF-16 units do not count, characters do)': withX(`  ${'k'.repeat(1024)}: 1\n  f: {${'k'.repeat(1024)}: 1}\n  ${'\u{1F600}'.repeat(1000)}: 2\n`),
  'a ? inside block plain scalars': withX('  a: a?b\n  b?c: 1\n  d: ?x\n'),
  'tabs after content, in flow collections and in multi-line scalars beyond the indentation': withX('  a: x\t\n  b: [1,\t2]\n  c: {p:\t1}\n  d: one\n   \ttwo\n  e: "one\n  \ttwo"\n  f: |\n    x\n    \ty\n'),
  'a no-break space inside a plain scalar': withX('  a: x\u00a0y\n'),
  'an escaped line break in a double-quoted string, CRLF line ends': withX('  a: "one\\\n    two"\n  b: 1\n').replace(/\n/g, '\r\n'),
};

const JSON_INPUT: Record<string, string> = {
  'a JSON object': jsonPod('a', ',"x":{"n":1.0,"e":1e3,"s":"\\u00e9"}'),
  'a JSON object with a byte order mark': `\uFEFF${jsonPod('a')}`,
  'a stream of JSON objects, one per line': `${jsonPod('a')}\n${jsonPod('b')}\n`,
  'JSON objects on one line': `${jsonPod('a')}${jsonPod('b')} ${jsonPod('c')}`,
  'JSON objects with blank lines, tabs and CRLF between them': `  ${jsonPod('a')}\r\n\r\n\t${jsonPod('b')}  \n`,
  'a null between JSON objects': `${jsonPod('a')}\nnull\n${jsonPod('b')}`,
  'a JSON stream with a byte order mark': `\uFEFF${jsonPod('a')}\n${jsonPod('b')}\n`,
  'one JSON object, then YAML documents': `${jsonPod('a')}\n---\n${pod('b')}`,
  'a YAML flow mapping that is not JSON': '{apiVersion: v1, kind: Pod, metadata: {name: a}}\n',
  'JSON over several lines with a comment after it': '{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "metadata": {"name": "a"}\n}\n# done\n',
  'JSON objects nested in a v1 List': '{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}]}',
};

/** Files kubectl refuses: hardpod refuses them too, at this line, saying this. */
const REFUSED_BY_BOTH: [string, string, number, RegExp][] = [
  ['content on a separator line', `${pod('a')}--- {apiVersion: v1, kind: Pod, metadata: {name: b}}\n`, 5, /line starting with `---` holds more .*put the content on the next line/],
  ['a tag on a separator line', `${pod('a')}--- !!map\n${pod('b')}`, 5, /line starting with `---` holds more \(`!!map`\)/],
  ['a literal block scalar on a separator line', '--- |\n  text\n', 1, /line starting with `---` holds more/],
  ['four dashes', `${pod('a')}----\n${pod('b')}`, 5, /line starting with `---` holds more \(`-`\)/],
  ['--- at column 0 inside a literal block scalar (a separator to kubectl)', `${pod('a')}data:\n  x: |\n    one\n---\n    two\n`, 9, /expected a Kubernetes object .* found a string/],
  ['... with nothing before it since the last ---', `${pod('a')}---\n# only a comment\n...\n---\n${pod('b')}`, 7, /a `\.\.\.` document end line with no document before it.*kubectl refuses the file/],
  ['---#comment first in the file (go-yaml reads it as text there)', `---#c\n${pod('a')}`, 1, /a `---` line without a space after the dashes.*write a space after ---/],
  ['a %YAML directive', `%YAML 1.1\n---\n${pod('a')}`, 1, /kubectl cannot read a YAML directive/],
  ['a %TAG directive in a second document', `${pod('a')}---\n%TAG !e! tag:example.com,2000:\n---\n${pod('b')}`, 6, /kubectl cannot read a YAML directive/],
  ['the escape \\/', withX('  a: "x\\/y"\n'), 6, /escape \\\/ .*unknown to kubectl's YAML parser.*write \/ without the backslash/],
  ['a surrogate escape', withX('  a: "\\uD800"\n'), 6, /escape \\uD800 .*not a Unicode character/],
  ['a surrogate pair in escapes', withX('  a: ok\n  b: "\\uD83D\\uDE00"\n'), 7, /escape \\uD83D .*not a Unicode character/],
  ['an escape beyond U+10FFFF', withX('  a: "\\U00110000"\n'), 6, /escape \\U00110000 .*not a Unicode character/],
  ['a mapping as a key', withX('  ? {p: 1}\n  : 1\n'), 6, /mapping key that is itself a mapping or a list: kubectl refuses it/],
  ['a list as a key', withX('  [1, 2]: x\n'), 6, /mapping key that is itself a mapping or a list/],
  ['a list as a key in a flow mapping', withX('  a: {[1]: x}\n'), 6, /mapping key that is itself a mapping or a list/],
  ['a list as a key without a value in a flow mapping', withX('  a: {b: 1, [c]}\n'), 6, /mapping key that is itself a mapping or a list/],
  ['a mapping as a key without a value in a flow mapping', withX('  a: {{b: 1}}\n'), 6, /mapping key that is itself a mapping or a list/],
  ['an invalid !!timestamp', withX('  a: !!timestamp 2024-13-01\n'), 6, /invalid YAML: cannot resolve .*timestamp/],
  ['!!timestamp with spaces before the time and a zone', withX('  a: !!timestamp "2024-01-02  03:04:05Z"\n'), 6, /invalid YAML: cannot resolve .*timestamp/],
  ['!!timestamp on February 29 of a year that is no leap year', withX('  a: !!timestamp 1900-02-29\n'), 6, /invalid YAML: cannot resolve .*timestamp/],
  ['!!binary without padding', withX('  a: !!binary aGVsbG8\n'), 6, /invalid YAML: cannot resolve .*binary/],
  ['!!binary over plain lines (folded to spaces)', withX('  a: !!binary aGVs\n    bG8=\n'), 6, /invalid YAML: cannot resolve the value tagged !!binary as that type \(kubectl refuses it too\); fix the value, or remove the tag/],
  ['!!int on a word', withX('  a: !!int abc\n'), 6, /invalid YAML: cannot resolve .*int/],
  ['a verbatim tag directly followed by a comma in a flow sequence', withX('  a: [!<tag:yaml.org,2002:str>, b]\n'), 6, /a verbatim tag \(!<\.\.\.>\) directly followed by a value, comma or bracket: kubectl's YAML parser needs a space after it and refuses the file; put a space after the tag/],
  ['a verbatim tag directly followed by its value', withX('  a: !<tag:yaml.org,2002:str>abc\n'), 6, /a verbatim tag \(!<\.\.\.>\) directly followed by a value/],
  ['an anchor name with a dot', withX('  a: &app.config x\n  b: *app.config\n'), 6, /an anchor name \(&app\.config\) with a character other than ASCII letters, digits, _ and -: kubectl's YAML parser ends the name there and refuses the file/],
  ['an anchor name with a letter beyond ASCII', withX('  a: &caf\u00e9 x\n'), 6, /an anchor name \(&caf\u00e9\) with a character other than ASCII letters/],
  ['an alias name with a slash, in a flow sequence', withX('  a: &x y\n  b: [*x/y]\n'), 7, /an alias name \(\*x\/y\) with a character other than ASCII letters/],
  ['list items indented differently after an empty item', withX('  a:\n      -\n     - b\n'), 8, /list items indented differently after an empty item \(a - with nothing after it\): kubectl's YAML parser refuses the file; indent every item of a list alike/],
  ['text after the closing quote of a quoted string over two lines', withX('  a: "multi\n  "q": 2\n'), 7, /text after the closing quote of a quoted string that spans lines: kubectl's YAML parser refuses the file, other YAML readers take the text for a new key/],
  ['text after the closing single quote of a string over two lines, in a list item\'s mapping', withX("  a:\n  - k: 1\n    m: 'multi\n    'q': 2\n"), 9, /text after the closing quote of a quoted string that spans lines/],
  ['!!int on an empty value', withX('  a: !!int\n  b: 1\n'), 6, /invalid YAML: cannot resolve the value tagged !!int/],
  ['a verbatim int tag on a word', withX('  a: !<tag:yaml.org,2002:int> abc\n'), 6, /invalid YAML: cannot resolve the value tagged !!int/],
  ['!!float on an empty value in a flow sequence', withX('  a: [!!float , 1]\n'), 6, /invalid YAML: cannot resolve .*float/],
  ['!!null on a word', withX('  a: !!null x\n'), 6, /invalid YAML: cannot resolve .*null/],
  ['a raw line separator (a line break to kubectl)', withX('  a: x\u2028y\n'), 6, /U\+2028 is a line break to kubectl's YAML parser/],
  ['a merge of a scalar', withX('  m:\n    <<: 1\n'), 7, /invalid YAML: cannot merge mappings/],
  ['a tab in the indentation of a block scalar', withX('  a: |\n    one\n  \t\n  b: 1\n'), 8, /a tab where the indentation of a block scalar .* is expected: kubectl's YAML parser refuses it/],
  ['a tab before the first line of a block scalar', withX('  a: >\n    \tone\n'), 7, /a tab where the indentation of a block scalar/],
  ['an unknown alias', withX('  a: *nope\n'), 6, /invalid YAML: unidentified alias/],
  ['a merge of an alias to a list', withX('  l: &l [{p: 1}]\n  m:\n    <<: *l\n'), 8, /a merge \(<<\) of something other than a mapping or a list of mappings.*kubectl refuses it/],
  ['a merge of a list of lists', withX('  m:\n    <<: [[{p: 1}]]\n'), 7, /a merge \(<<\) of something other than a mapping or a list of mappings/],
  ['a key of 1025 characters', withX(`  ${'k'.repeat(1025)}: 1\n`), 6, /a mapping key of more than 1024 characters before its colon: kubectl's YAML parser refuses it/],
  ['a quoted key of 1025 characters with its quotes', withX(`  "${'k'.repeat(1023)}": 1\n`), 6, /a mapping key of more than 1024 characters/],
  ['a key of 1025 characters in a flow mapping', withX(`  a: {${'k'.repeat(1025)}: 1}\n`), 6, /a mapping key of more than 1024 characters/],
  ['a ? inside a plain scalar in a flow sequence', withX('  a: [a?b]\n'), 6, /a \? inside an unquoted value in a flow collection.*quote the value/],
  ['a ? inside a plain key in a flow mapping', withX('  a: {k?v: 1}\n'), 6, /a \? inside an unquoted value in a flow collection/],
  ['a colon between a plain scalar and a flow sequence', withX('  a: [a:[b]]\n'), 6, /a colon right after an unquoted value and directly before "\[" in a flow collection/],
  ['a colon starting a plain scalar in a flow sequence', withX('  a: [b, :c]\n'), 6, /an unquoted value in a flow collection \(\{...\} or \[...\]\) starts with a colon: kubectl's YAML parser takes it for a key's colon and refuses the file; quote the value/],
  ['a colon starting a plain key in a flow mapping', withX('  a: {:c}\n'), 6, /an unquoted value in a flow collection .* starts with a colon/],
  ['null as a key', withX('  a: 1\n  null: 2\n'), 7, /a mapping key that reads as null \(null, ~, or nothing before the colon\): kubectl refuses it \(unsupported map key\); quote the key \("null"\) if it is the word/],
  ['~ as a key in a flow mapping', withX('  a: {b: 1, ~: 2}\n'), 6, /a mapping key that reads as null/],
  ['a flow mapping of ~ alone', withX('  a: {~}\n'), 6, /a mapping key that reads as null/],
  ['null alone in a flow mapping, before a comment', withX('  a: {null # c\n    }\n'), 6, /a mapping key that reads as null/],
  ['nothing before a colon in a flow sequence', withX('  a: [b, : c]\n'), 6, /a colon with no key before it in a flow collection \(\{...\} or \[...\]\): kubectl's YAML parser refuses it; write the key, or quote the value/],
  ['nothing before a colon in a flow mapping', withX('  a: {b: 1, :}\n'), 6, /a colon with no key before it in a flow collection/],
  ['an anchor on nothing as a key in a flow mapping', withX('  a: {&k }\n'), 6, /a mapping key that reads as null/],
  ['a value starting with a colon after a key in a flow sequence', withX('  a: [b: :c]\n'), 6, /an unquoted value in a flow collection .* starts with a colon/],
  ['a colon starting a value right after a quoted key\'s colon in a flow mapping', withX('  a: {"q"::c}\n'), 6, /an unquoted value in a flow collection .* starts with a colon/],
  ['a colon starting a value right after a single-quoted key\'s colon in a flow sequence', withX("  a: ['q'::c]\n"), 6, /an unquoted value in a flow collection .* starts with a colon/],
  ['a colon starting a plain scalar on the next line of a flow sequence', withX('  a: [b,\n    :c]\n'), 7, /an unquoted value in a flow collection .* starts with a colon/],
  ['a tab alone on a line between entries', withX('  a: 1\n\t\n  b: 2\n'), 7, /a tab in the indentation of a line: kubectl's YAML parser refuses it/],
  ['a tab before a comment', withX('  a: 1\n  \t# c\n  b: 2\n'), 7, /a tab in the indentation of a line/],
  ['a tab alone on the first line', `\t\n${pod('a')}`, 1, /a tab in the indentation of a line/],
  ['a document of a tab line only', `${pod('a')}---\n\t\n---\n${pod('b')}`, 6, /a tab in the indentation of a line/],
  ['a tab line in a multi-line plain scalar, not beyond its parent', withX('  a: one\n\t\n    two\n'), 7, /a tab in the indentation of a line/],
  ['a tab after a list item\'s dash and a space', withX('  a:\n  - \tb\n'), 7, /a tab after a list item's - \(or an explicit key's \? or :\): kubectl's YAML parser refuses it; put a space there/],
  ['a tab right after a list item\'s dash', withX('  a:\n  -\tb\n'), 7, /a tab after a list item's -/],
  ['a tab after the inner dash of a list in a list', withX('  a:\n  - - \tb\n'), 7, /a tab after a list item's -/],
  ['a tab after a dash before a comment', withX('  a:\n  - \t# c\n    b\n'), 7, /a tab after a list item's -/],
  ['a mapping after an anchor on its parent key\'s line', withX('  a: &x b: c\n'), 6, /a mapping starts on the line of the key it belongs to, after an anchor or tag \(key: &anchor inner: value\): kubectl's YAML parser refuses it; start the mapping on the next line/],
  ['a mapping after a tag on its parent key\'s line, in a list item', withX('  - a: !!map b:\n'), 6, /a mapping starts on the line of the key it belongs to/],
  ['a tab after an explicit key\'s ?', withX('  ? \ta\n  : b\n'), 6, /a tab after a list item's - \(or an explicit key's \? or :\)/],
  ['a tab after an explicit key\'s :', withX('  ? a\n  : \tb\n'), 7, /a tab after a list item's - \(or an explicit key's \? or :\)/],
  ['YAML after two JSON objects', `${jsonPod('a')}\n${jsonPod('b')}\n---\n${pod('c')}`, 3, /not a JSON value, after JSON objects/],
  ['a content line after --- at column 1', `${pod('a')} ---\n${pod('b')}`, 5, /invalid YAML/],
];

/**
 * Files kubectl reads but hardpod refuses, deliberately: kubectl's reading silently drops or
 * replaces something the file says, or another YAML tool would read the file differently.
 */
const REFUSED_BY_HARDPOD: [string, string, number, RegExp][] = [
  ['a duplicated key', withX('  a: 1\n  a: 2\n'), 7, /the key "a" appears twice in one mapping: kubectl would keep only the last one.*remove or merge the duplicate/],
  ['a duplicated securityContext', `${pod('a')}spec:\n  securityContext:\n    runAsNonRoot: true\n  containers: []\n  securityContext: {}\n`, 9, /the key "securityContext" appears twice in one mapping: kubectl would keep only the last one/],
  ['keys that read the same (yes and true)', withX('  yes: a\n  true: b\n'), 7, /the key "true" appears twice/],
  ['an alias as a key that repeats its anchor\'s key', withX('  &a k: 1\n  *a : 2\n'), 7, /the key "k" \(the alias \*a\) appears twice in one mapping/],
  ['an alias as a key that repeats a key anchored in a flow value', withX('  y: [&a "k", 2]\n  k: 1\n  *a : 2\n'), 8, /the key "k" \(the alias \*a\) appears twice/],
  ['two objects without a separator', `${pod('a')}\n${pod('b')}`, 6, /the key "apiVersion" appears twice in one mapping/],
  ['a duplicated key in JSON', jsonPod('a', ',"x":1,\n"x":2'), 2, /the key "x" appears twice in one mapping: kubectl would keep only the last one/],
  ['a duplicated key in JSON, one written as an escape', jsonPod('a', ',"x":1,"\\u0078":2'), 1, /the key "x" appears twice/],
  ['a duplicated key in the second item of a JSON List', `{\n  "apiVersion": "v1",\n  "kind": "List",\n  "items": [\n    ${jsonPod('a')},\n    {"apiVersion": "v1", "kind": "Pod",\n     "metadata": {"name": "b"},\n     "metadata": {"name": "c"}}\n  ]\n}\n`, 8, /the key "metadata" appears twice/],
  ['a duplicated key in the second object of a JSON stream', `${jsonPod('a')}\n{"apiVersion":"v1","kind":"Pod","metadata":{"name":"b",\n"name":"c"}}`, 3, /the key "name" appears twice/],
  ['a merge after an explicit key it sets', withX('  a: &a {p: 1}\n  m:\n    p: 2\n    <<: *a\n'), 9, /the merge \(<<\) sets the key "p", which an earlier entry of this mapping already sets: kubectl \(go-yaml v2\) keeps the merged value/],
  ['two merges setting one key', withX('  a: &a {p: 1}\n  b: &b {p: 2}\n  m:\n    <<: *a\n    <<: *b\n'), 10, /the merge \(<<\) sets the key "p"/],
  ['a merge of a list after an explicit key', withX('  a: &a {p: 1}\n  b: &b {r: 2}\n  m:\n    r: 9\n    <<: [*a, *b]\n'), 10, /the merge \(<<\) sets the key "r"/],
  ['a merge inside an anchored mapping', withX('  a: &a {p: 1}\n  b: &b\n    p: 2\n    <<: *a\n'), 9, /the merge \(<<\) sets the key "p"/],
  ['content after a ... line', `${pod('a')}...\n# fine\n${pod('b')}`, 7, /content after a `\.\.\.` document end line.*kubectl ignores it.*start it with a `---` line/],
  ['a directive after a ... line', `${pod('a')}...\n%YAML 1.1\n---\n${pod('b')}`, 6, /content after a `\.\.\.` document end line/],
  ['a ? starting a plain scalar in a flow sequence (a key to kubectl)', withX('  a: [?b]\n'), 6, /a \? inside an unquoted value in a flow collection/],
  ['a colon ending a plain scalar in a flow sequence ("a:" to kubectl, a key to others)', withX('  a: [b, c:, d]\n'), 6, /a colon right after an unquoted value and directly before "," in a flow collection \(\{...\} or \[...\]\): kubectl's YAML parser reads the colon as part of the value, other YAML tools as a key's colon; quote the value, or put a space after the colon/],
  ['a lone dash in a flow collection of a document the full parser reads (an anchor)', withX('  a: &x [cat, -]\n'), 6, /a lone - as a value in a flow collection .* kubectl reads the string "-", that parser refuses it; quote it \("-"\)/],
  ['the non-specific tag ! on an empty value in a flow sequence (kubectl: "")', withX('  a: [! , b]\n'), 6, /the non-specific tag ! on an empty value: kubectl reads the empty string or null there depending on what follows it, other YAML readers null; write "" or null instead/],
  ['the non-specific tag ! on an empty value in a flow mapping', withX('  a: {p: ! , q: 1}\n'), 6, /the non-specific tag ! on an empty value/],
  ['the non-specific tag ! on an empty list item, before a comment', withX('  a:\n  - ! # c\n  - b\n'), 7, /the non-specific tag ! on an empty value/],
  ['a tag directly followed by a comma in a flow sequence (kubectl drops an entry)', withX('  a: [!!str, b]\n'), 6, /a tag directly followed by a comma or bracket in a flow collection \(\[!!str, b\]\): kubectl takes the comma for part of the tag and the next entry for the tagged value, dropping an entry/],
  ['a custom tag directly followed by a comma in a flow sequence', withX('  a: [!foo, b]\n'), 6, /a tag directly followed by a comma or bracket/],
  ['an anchor name with a colon (kubectl: the anchor "a" on ":b x")', withX('  a: &a:b x\n'), 6, /an anchor name \(&a:b\) with a character other than ASCII letters, digits, _ and -/],
  ['an alias name with a colon in a flow sequence (kubectl: a mapping of the alias\'s value to "b")', withX('  a: [&a "q", *a:b]\n'), 6, /an alias name \(\*a:b\) with a character other than ASCII letters/],
  ['a colon ending a dash in a flow sequence', withX('  a: [-:]\n'), 6, /a colon right after an unquoted value and directly before "\]"/],
  ['a colon ending the last plain scalar of a flow sequence', withX('  a: [b, c:]\n'), 6, /a colon right after an unquoted value and directly before "\]"/],
  ['a colon ending a plain value in a flow mapping', withX('  a: {p: b:}\n'), 6, /a colon right after an unquoted value and directly before "\}"/],
  ['a colon after a space, ending a plain key in a flow mapping', withX('  a: {p :, q: 1}\n'), 6, /a colon right after an unquoted value and directly before ","/],
  ['a colon ending a plain scalar in a flow sequence over two lines', withX('  a: [b,\n    c:]\n'), 7, /a colon right after an unquoted value/],
  ['content after a flow collection document', `---\n${jsonPod('a')}\n${jsonPod('b')}\n`, 3, /content after the document's flow collection.*kubectl reads the collection and silently ignores the rest/],
  ['CR-only line ends (old Mac OS)', `${pod('a')}spec:\n  containers: []\n`.replace(/\n/g, '\r'), 1, /a line ends in a bare carriage return.*save the file with LF or CRLF line ends/],
  ['CR-only line ends in a stream (kubectl reads the first object only)', `${pod('a')}---\n${pod('b')}`.replace(/\n/g, '\r'), 1, /a line ends in a bare carriage return/],
  ['a bare CR ending one line of a CRLF file', `${pod('a')}spec:\r  containers: []\n`.replace(/\n/g, '\r\n'), 5, /a line ends in a bare carriage return/],
  ['a raw next-line character in a quoted string', withX('  a: "x\u0085y"\n'), 6, /U\+0085 is a line break to kubectl's YAML parser/],
  ['the escape \\\'', withX('  a: "it\\\'s"\n'), 6, /an escape hardpod cannot read as kubectl does/],
  ['an escaped line break before an empty line', withX('  a: "one\\\n\n    two"\n'), 6, /a backslash at the end of a line in a double-quoted string, followed by an empty line: kubectl reads a line break for each empty line/],
];

/** hardpod's error for `text`, or undefined when it reads the text. */
function hardpodError(text: string, file: string): Error | undefined {
  try {
    new ManifestSet().addText(text, file);
    return undefined;
  } catch (error) {
    if (!isHardpodError(error)) throw error;
    return error;
  }
}

describeWithTools('YAML syntax is read as kubectl reads it', 'kubectl', missingKubectl, () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hardpod-kubectl-syntax-'));
    file = join(dir, 'case.yaml');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.each([
    ['document streams', STREAMS],
    ['anchors, aliases and merge keys', ANCHORS_AND_MERGES],
    ['tags', TAGS],
    ['quoted and block scalars, multi-line and flow values, keys', SCALARS_AND_KEYS],
    ['JSON', JSON_INPUT],
  ])('%s: the same objects as kubectl reads', (_area, cases) => {
    expect(disagreements(cases, file)).toEqual([]);
    // Each case is read by kubectl (refusals have tables of their own), so the comparison compared objects.
    for (const text of Object.values(cases)) expect(readBoth(text, file).kubectl).toHaveProperty('objects');
  });

  test.each(REFUSED_BY_BOTH)('kubectl refuses %s; hardpod too, naming the line', (_name, text, line, reason) => {
    const { kubectl: theirs } = readBoth(text, file);
    expect(theirs).toHaveProperty('error');
    expect(hardpodError(text, file)?.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}: .*?${reason.source}`));
  });

  test.each(REFUSED_BY_HARDPOD)('kubectl reads %s; hardpod refuses, naming the line and why', (_name, text, line, reason) => {
    const { kubectl: theirs } = readBoth(text, file);
    expect(theirs).toHaveProperty('objects');
    expect(hardpodError(text, file)?.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}: .*?${reason.source}`));
  });

  test('objects of a JSON stream and of YAML after a JSON object are found at their own lines', () => {
    const set = new ManifestSet();
    set.addText(`${jsonPod('a')}\n\n  ${jsonPod('b')}${jsonPod('c')}\n`, 'stream.json');
    expect(set.objects.map((o) => [o.object.metadata?.name, o.source.line])).toEqual([['a', 1], ['b', 3], ['c', 3]]);
    const pretty = new ManifestSet();
    pretty.addText(`${JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' } }, null, 2)}${JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b' } }, null, 2)}\n`, 'pretty.json');
    expect(pretty.objects.map((o) => pretty.fieldLine(o.source, 'metadata.name'))).toEqual([5, 11]);
    const mixed = new ManifestSet();
    mixed.addText(`${jsonPod('a')}\n# comment\n---\n${pod('b')}`, 'mixed.yaml');
    expect(mixed.objects.map((o) => [o.object.metadata?.name, o.source.line])).toEqual([['a', 1], ['b', 4]]);
    expect(mixed.fieldLine(mixed.objects[1].source, 'metadata.name')).toBe(7);
  });

  test('generated streams: separators, document ends, comments and blank lines, CRLF, a BOM', () => {
    const separator = fc.constantFrom('---', '--- ', '---\t', '--- # c', '---# c', '---   #c ---');
    const filler = fc.constantFrom('', '# comment', '  # indented', '   ', '#');
    const body = fc.constantFrom(
      (n: string) => pod(n).trimEnd(),
      (n: string) => `{apiVersion: v1, kind: Pod, metadata: {name: ${n}}}`,
      (n: string) => `${pod(n)}data:\n  x: |\n    a\n    ---\n\n    b`,
      (n: string) => `${pod(n)}data:\n  x: |+\n    kept\n`,
      () => 'null',
      () => '# no object',
    );
    const document = fc.record({
      before: fc.array(filler, { maxLength: 2 }),
      body,
      after: fc.array(filler, { maxLength: 2 }),
      end: fc.option(fc.record({ marker: fc.constantFrom('...', '... # end'), after: fc.array(filler, { maxLength: 2 }) }), { freq: 4 }),
    });
    const stream = fc.record({
      documents: fc.array(fc.tuple(document, separator), { minLength: 1, maxLength: 5 }),
      leading: fc.boolean(),
      trailing: fc.option(separator),
      finalNewline: fc.boolean(),
      crlf: fc.boolean(),
      bom: fc.boolean(),
    }).map(({ documents, leading, trailing, finalNewline, crlf, bom }) => {
      const lines: string[] = [];
      documents.forEach(([doc, sep], i) => {
        if (i > 0 || leading) lines.push(sep);
        lines.push(...doc.before, doc.body(`p${i}`), ...doc.after);
        if (doc.end) lines.push(doc.end.marker, ...doc.end.after);
      });
      if (trailing !== null) lines.push(trailing);
      const text = lines.join('\n') + (finalNewline ? '\n' : '');
      return (bom ? '\uFEFF' : '') + (crlf ? text.replace(/\n/g, '\r\n') : text);
    });
    const streams = fc.sample(stream, { numRuns: 40 });
    const cases = Object.fromEntries(streams.map((text, i) => [`stream ${i}`, text]));
    expect(disagreements(cases, file)).toEqual([]);
    // The generator reaches streams of several objects, document ends and CRLF.
    const read = streams.map((text) => readBoth(text, file).hardpod);
    expect(read.filter((r) => 'objects' in r && r.objects.length >= 2).length).toBeGreaterThan(5);
    // Enough of them are read, not refused, for the comparison to compare objects (about half, on any seed).
    expect(read.filter((r) => 'objects' in r).length).toBeGreaterThan(streams.length / 3);
    expect(streams.some((s) => s.includes('\n...'))).toBe(true);
  });

  test('generated merges: hardpod reads them as kubectl does, or refuses those whose result depends on the order', () => {
    const key = fc.constantFrom('p', 'q', 'r', 's');
    const mapping = fc.uniqueArray(fc.tuple(key, fc.nat(9)), { selector: ([k]) => k, minLength: 1, maxLength: 3 })
      .map((entries) => `{${entries.map(([k, v]) => `${k}: ${v}`).join(', ')}}`);
    const entry = fc.oneof(
      fc.tuple(fc.constant('key'), key),
      fc.tuple(fc.constant('merge'), fc.constantFrom('*a', '*b', '[*a, *b]', '[*b, *a]', '{p: 7}', '*c')),
    );
    const doc = fc.record({
      a: mapping,
      b: mapping,
      entries: fc.array(entry, { minLength: 1, maxLength: 5 }),
    }).map(({ a, b, entries } ) => {
      const seen = new Set<string>();
      const lines = entries.flatMap(([kind, value], i) => {
        if (kind === 'merge') return [`    <<: ${value}`];
        if (seen.has(value)) return [];
        seen.add(value);
        return [`    ${value}: ${100 + i}`];
      });
      return withX(`  a: &a ${a}\n  b: &b ${b}\n  c: &c\n    <<: *a\n    s: 8\n  m:\n${lines.join('\n')}\n`);
    });
    const docs = [...new Set(fc.sample(doc, { numRuns: 150 }))];
    const accepted = docs.filter((text) => hardpodError(text, file) === undefined);
    const refused = docs.filter((text) => !accepted.includes(text));
    expect(accepted.length).toBeGreaterThan(20);
    expect(refused.length).toBeGreaterThan(20);
    for (const text of refused) expect(hardpodError(text, file)?.message).toMatch(/the merge \(<<\) sets the key/);
    // One kubectl run for the documents hardpod reads, another for those it refuses.
    const together = (texts: string[]): string => texts.map((text, i) => text.replace('name: p', `name: p${i}`)).join('---\n');
    expect(disagreements({ accepted: together(accepted) }, file)).toEqual([]);
    expect(readBoth(together(accepted), file).kubectl).toHaveProperty('objects');
    writeFileSync(file, together(refused));
    const theirs = readWithKubectl(file).items!.map(canonicalJson);
    // A refusal is not idle: for some of them kubectl's reading is not the YAML merge spec's (js-yaml's).
    const spec = refused.map((text, i) => canonicalJson(loadJsYaml(text.replace('name: p', `name: p${i}`))));
    expect(theirs.filter((json, i) => json !== spec[i]).length).toBeGreaterThan(5);
  });

  test('generated !!timestamp values: hardpod takes exactly those kubectl takes, keeping their text', () => {
    const digits = (min: number, max: number): fc.Arbitrary<string> => fc.stringMatching(new RegExp(`^[0-9]{${min},${max}}$`));
    const timestamp = fc.tuple(
      fc.oneof({ weight: 5, arbitrary: fc.constantFrom('2024', '2023', '1999', '0000') }, digits(3, 5)),
      fc.oneof(fc.constantFrom('1', '01', '2', '02', '12', '13', '0', '00', '10'), digits(1, 3)),
      fc.oneof(fc.constantFrom('1', '01', '28', '29', '30', '31', '32', '0'), digits(1, 3)),
      fc.option(fc.tuple(
        fc.constantFrom('T', 't', ' ', 'x', '  '),
        fc.constantFrom('0', '00', '9', '23', '24', '123'),
        fc.constantFrom('0', '00', '59', '60', '5'),
        fc.constantFrom('0', '00', '59', '60', '7'),
        fc.constantFrom('', '.1', '.123456789', '.1234567891', ',5', '.'),
        fc.constantFrom('', 'Z', '+01:00', '-05:00', '+24:00', '+25:00', '+01:60', '+01:61', '+1:00', '+0100', 'z', ' Z', ' -5'),
      ), { freq: 2 }),
    ).map(([y, m, d, time]) => `${y}-${m}-${d}${time ? `${time[0]}${time[1]}:${time[2]}:${time[3]}${time[4]}${time[5]}` : ''}`);
    const values = [...new Set(fc.sample(timestamp, { numRuns: 600 }))];
    const accepts = (value: string): boolean => {
      try {
        loadJsYaml(`!!timestamp "${value}"`, { schema: KUBERNETES_SCHEMA });
        return true;
      } catch {
        return false;
      }
    };
    const taken = values.filter(accepts);
    const refused = values.filter((value) => !accepts(value));
    expect(taken.length).toBeGreaterThan(50);
    expect(refused.length).toBeGreaterThan(50);
    const body = taken.map((value, i) => `  t${i}: !!timestamp "${value}"\n`).join('');
    expect(disagreements({ taken: withX(body) }, file)).toEqual([]);
    expect(readBoth(withX(body), file).kubectl).toHaveProperty('objects');
    // kubectl refuses a file with any one of the others (a sample: one kubectl run each).
    const sampleSize = Math.min(25, refused.length);
    const refusedSample = fc.sample(fc.shuffledSubarray(refused, { minLength: sampleSize, maxLength: sampleSize }), 1)[0];
    const acceptedByKubectl = refusedSample.filter((value) => 'objects' in readBoth(withX(`  t: !!timestamp "${value}"\n`), file).kubectl);
    expect(acceptedByKubectl).toEqual([]);
  });

  test('generated quoted and multi-line plain scalars read as kubectl reads them', () => {
    const escape = fc.constantFrom('\\0', '\\a', '\\b', '\\t', '\\\t', '\\n', '\\v', '\\f', '\\r', '\\e', '\\ ', '\\"', '\\\\', '\\N', '\\_', '\\L', '\\P', '\\x41', '\\xe9', '\\u00e9', '\\u4e2d', '\\U0001F600', '\\U00000041');
    const text = fc.constantFrom('a', 'b c', ' ', '  ', ':', '#', ' #x', "'", ',', '[', '}', '-', 'é', '\t');
    const doubleBreak = fc.constantFrom('\n    ', '\n\n    ', '   \n    ', '\\\n    ', '\\\n      ', '\n        ', '\n\n\n    ', '\t\n    ');
    const doubleQuoted = fc.array(fc.oneof({ weight: 3, arbitrary: text }, { weight: 3, arbitrary: escape }, doubleBreak), { maxLength: 10 }).map((parts) => `"${parts.join('')}"`);
    const singleBreak = fc.constantFrom('\n    ', '\n\n    ', '   \n    ', '\n      ');
    const singleQuoted = fc.array(fc.oneof({ weight: 3, arbitrary: text.map((t) => t.replace("'", "''")) }, fc.constant("''"), singleBreak), { maxLength: 10 }).map((parts) => `'${parts.join('')}'`);
    const word = fc.constantFrom('one', 'two', 'x-y', 'a:b', '1', 'yes', '~', 'c#d', "it's", '"q"', '- z', '? w');
    const plain = fc.tuple(fc.constantFrom('first', 'a b', 'x'), fc.array(fc.tuple(fc.constantFrom(' ', '\n    ', '\n\n    ', '  \n    ', '\n      '), word), { maxLength: 4 }))
      .map(([first, rest]) => first + rest.map(([gap, w]) => gap + w).join(''));
    const generated = [...fc.sample(doubleQuoted, 150), ...fc.sample(singleQuoted, 100), ...fc.sample(plain, 100)];
    // An escaped line break before an empty line is refused (a table above has it): the rest is compared.
    const refused = generated.filter((scalar) => hardpodError(withX(`  s: ${scalar}\n`), file) !== undefined);
    for (const scalar of refused) expect(hardpodError(withX(`  s: ${scalar}\n`), file)?.message).toMatch(/a backslash at the end of a line in a double-quoted string, followed by an empty line/);
    const scalars = generated.filter((scalar) => !refused.includes(scalar));
    const body = scalars.map((scalar, i) => `  s${i}: ${scalar}\n`).join('');
    expect(disagreements({ scalars: withX(body) }, file)).toEqual([]);
    expect(readBoth(withX(body), file).kubectl).toHaveProperty('objects');
    expect(scalars.filter((s) => s.includes('\n')).length).toBeGreaterThan(100);
  });

  test('generated block scalars read as kubectl reads them, in a mapping and at the end of documents', () => {
    const content = fc.constantFrom('text', 'two words', '#not a comment', '- not an item', 'k: v', '---', '"q"', 'trailing  ', '\ttab');
    const blank = fc.constantFrom('', ' ', '  ');
    const scalar = fc.record({
      style: fc.constantFrom('|', '>'),
      chomp: fc.constantFrom('', '-', '+'),
      indicator: fc.constantFrom(0, 0, 1, 2, 3),
      leading: fc.array(fc.constant(''), { maxLength: 2 }),
      // [extra indentation, content], or [-1, a blank line].
      lines: fc.array(fc.oneof({ weight: 4, arbitrary: fc.tuple(fc.nat(3), content) }, fc.tuple(fc.constant(-1), blank)),
        { minLength: 1, maxLength: 6 }),
      trailing: fc.array(blank, { maxLength: 3 }),
      comment: fc.boolean(),
    }).map(({ style, chomp, indicator, leading, lines, trailing, comment }) => {
      // The parent key sits at `column`; content at `column + indicator`, or, detected, at the first line's.
      const render = (column: number): string => {
        const base = column + (indicator || 2);
        const first = lines.findIndex(([extra]) => extra >= 0);
        const body = lines.map(([extra, line], i) =>
          extra < 0 ? (line as string) : ' '.repeat(base + (indicator || i !== first ? (extra as number) : 0)) + (line as string));
        return `${style}${indicator || ''}${chomp}${comment ? ' # c' : ''}\n${[...leading, ...body, ...trailing].join('\n')}`;
      };
      return render;
    });
    const generated = fc.sample(fc.tuple(scalar, scalar), 60).map(([inner, last], i) =>
      `${pod(`p${i}`)}x:\n  inner: ${inner(2)}\n  after: 1\nlast: ${last(0)}\n`);
    // Those hardpod refuses (a tab where the indentation is expected) kubectl refuses too; the rest it reads alike.
    const refused = generated.filter((text) => hardpodError(text, file) !== undefined);
    for (const text of refused) expect(readBoth(text, file).kubectl).toHaveProperty('error');
    const documents = generated.filter((text) => !refused.includes(text));
    expect(documents.length).toBeGreaterThan(40);
    const text = documents.join('---\n');
    const cases = { 'blocks': text, 'without a final newline': text.trimEnd() };
    expect(disagreements(cases, file)).toEqual([]);
    for (const each of Object.values(cases)) expect(readBoth(each, file).kubectl).toHaveProperty('objects');
  });

  test('values written by a YAML library in many styles (flow, block, quoting, wrapping) read as kubectl reads them', () => {
    const documents = fc.sample(fc.tuple(yamlValue, dumpOptions), 300)
      .map(([x, options], i) => dump({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}` }, x }, options));
    // Keys that read the same once resolved (`yes` and `true`) are refused as duplicates, and a plain
    // scalar ending in a colon in a flow collection (`[a:, b]`, which other YAML tools read as a key),
    // deliberately; any other refusal (a `?` in a flow collection's plain scalar, say) kubectl shares.
    const refused = documents.filter((text) => hardpodError(text, file) !== undefined);
    for (const text of refused) {
      if (!/appears twice in one mapping|a colon right after an unquoted value/.test(hardpodError(text, file)!.message)) expect(readBoth(text, file).kubectl).toHaveProperty('error');
    }
    const read = documents.filter((text) => !refused.includes(text));
    expect(read.length).toBeGreaterThan(250);
    expect(disagreements({ dumped: read.join('---\n') }, file)).toEqual([]);
    expect(readBoth(read.join('---\n'), file).kubectl).toHaveProperty('objects');
  });

  /**
   * Generated documents: those hardpod reads, kubectl reads the same; those it refuses, other than
   * by a `deliberate` refusal (see REFUSED_BY_HARDPOD), kubectl refuses too (the first
   * `refusedAskedOfKubectl` of them are asked, one kubectl run each). At least `read` are read and
   * `refused` refused, so that the generator keeps reaching both sides.
   */
  function expectReadAsKubectlReads(
    documents: readonly string[], deliberate: RegExp, least: { read: number; refused: number; refusedAskedOfKubectl: number },
  ): void {
    const read = documents.filter((text) => hardpodError(text, file) === undefined);
    const refused = documents.filter((text) => !read.includes(text) && !deliberate.test(hardpodError(text, file)!.message));
    expect(read.length).toBeGreaterThan(least.read);
    expect(refused.length).toBeGreaterThan(least.refused);
    if (disagreements({ read: read.join('---\n') }, file).length > 0) {
      // Named one by one, so that a failure shows the documents that differ.
      const differing = read.filter((text) => {
        const both = readBoth(text, file);
        return JSON.stringify(both.kubectl) !== JSON.stringify(both.hardpod);
      });
      expect(differing).toEqual([]);
    }
    const readByKubectl = refused.slice(0, least.refusedAskedOfKubectl).filter((text) => 'objects' in readBoth(text, file).kubectl);
    expect(readByKubectl).toEqual([]);
  }

  test('generated flow collections: hardpod reads the objects kubectl reads or refuses naming why, and refuses what kubectl refuses', () => {
    // Flow syntax is where YAML readers part ways most (a colon before a comma, a colon with no key,
    // a null key): short runs of its pieces, inside [...] or {...}. Anchors and tags have tests of their own.
    const piece = fc.constantFrom('a', 'b1', ':', ':', ',', ', ', '[', ']', '{', '}', ' ', '"q"', "'s'", ' #c', '-', '\n    ', 'x:y', ': ', '1', 'true', '~', 'null', '.', '|');
    const collection = fc.tuple(fc.constantFrom('[', '{'), fc.array(piece, { minLength: 1, maxLength: 12 }))
      .map(([open, pieces]) => `${open}${pieces.join('')}${open === '[' ? ']' : '}'}`);
    const documents = fc.sample(collection, { numRuns: 400 }).map((x, i) => `${pod(`p${i}`)}x: ${x}\n`);
    expectReadAsKubectlReads(documents, /appears twice|a colon right after an unquoted value|a lone - as a value/, { read: 40, refused: 40, refusedAskedOfKubectl: 20 });
  });

  test('generated tagged values: hardpod reads them as kubectl does or refuses naming why, never with an internal error', () => {
    // Every tag go-yaml knows, the non-specific one and custom ones, on values of every kind and on
    // nothing, in block and flow positions.
    const tag = fc.constantFrom('!!int', '!!float', '!!bool', '!!str', '!!null', '!!map', '!!seq', '!!binary', '!!timestamp', '!!set', '!!merge', '!', '!foo', '!<tag:yaml.org,2002:str>');
    const value = fc.constantFrom('', '""', "''", '1', '-2', '0x1F', '010', '1.5', '1e3', 'yes', 'true', 'null', '~', 'abc', '[a]', '{a: 1}', 'aGVsbG8=', '2024-01-02', '2024-01-02T03:04:05Z', '# c');
    const placed = fc.tuple(tag, value, fc.constantFrom('block', 'item', 'sequence', 'mapping')).map(([t, v, where]) => {
      const node = `${t} ${v}`.trimEnd();
      if (where === 'block') return `x: ${node}\ny: 1\n`;
      if (where === 'item') return `x:\n- ${node}\n- b\n`;
      // A comment inside a flow collection runs to the line's end: the collection closes on the next line.
      const end = v === '# c' ? '\n  ' : '';
      return where === 'sequence' ? `x: [${node}${end}, b]\n` : `x: {p: ${node}${end}, q: 1}\n`;
    });
    const documents = fc.sample(placed, { numRuns: 300 }).map((x, i) => `${pod(`p${i}`)}${x}`);
    expectReadAsKubectlReads(documents, /the non-specific tag ! on an empty value|a tag directly followed by a comma|appears twice/, { read: 60, refused: 20, refusedAskedOfKubectl: 40 });
  });

  test('generated anchors and aliases: hardpod reads them as kubectl does or refuses naming why', () => {
    // Names go-yaml takes and names it ends early or refuses, on values of every kind and on nothing,
    // then aliases to them, in block and flow positions.
    const name = fc.constantFrom('a', 'b', 'a-1', 'A_2', '1', 'a.b', 'a:b', 'caf\u00e9', 'a/b');
    const value = fc.constantFrom('', 'x', '1', '[1, 2]', '{p: 1}', '"q"', '~', 'y z');
    const node = fc.oneof(fc.tuple(name, value).map(([n, v]) => `&${n} ${v}`.trimEnd()), name.map((n) => `*${n}`), value);
    const placed = fc.tuple(fc.array(node, { minLength: 2, maxLength: 3 }), fc.constantFrom('block', 'item', 'sequence', 'mapping')).map(([nodes, where]) => {
      if (where === 'block') return nodes.map((n, i) => `k${i}: ${n}\n`).join('');
      if (where === 'item') return `x:\n${nodes.map((n) => `- ${n}\n`).join('')}`;
      return where === 'sequence' ? `x: [${nodes.join(', ')}]\n` : `x: {${nodes.map((n, i) => `k${i}: ${n}`).join(', ')}}\n`;
    });
    const documents = fc.sample(placed, { numRuns: 300 }).map((x, i) => `${pod(`p${i}`)}${x}`);
    expectReadAsKubectlReads(documents, /an (?:anchor|alias) name \([&*][^)]*:[^)]*\)|appears twice/, { read: 30, refused: 40, refusedAskedOfKubectl: 40 });
  });

  test('generated block structures: hardpod reads them as kubectl does or refuses naming why', () => {
    // Lines of block YAML at any indentation: keys, list items (empty ones too), explicit keys,
    // comments, block scalars, quoted strings over lines, document markers.
    const indent = fc.constantFrom('', ' ', '  ', '   ', '    ');
    const body = fc.constantFrom(
      'a: 1', 'b:', '- x', '- ', '-', '? k', ': v', '# c', 'c: |', 'd: >-', 'text', '- a: 1', '- - y', 'e: # c', '"q": 2', "'s': 3", 'f: [1,', '  2]',
      'g: "multi', '  line"', '---', '...', 'j: - 1', 'k: a: b', 'm: x #c', 'n: x#c', 'o: "a" b', 'p: { }', ': ', '?',
    );
    const lines = fc.array(fc.tuple(indent, body).map(([i, b]) => `  ${i}${b}`), { minLength: 1, maxLength: 6 });
    const documents = fc.sample(lines, { numRuns: 300 }).map((x, i) => `${pod(`p${i}`)}x:\n${x.join('\n')}\n`);
    expectReadAsKubectlReads(documents, /appears twice/, { read: 20, refused: 40, refusedAskedOfKubectl: 40 });
  });

  test('generated JSON streams read as kubectl reads them', () => {
    const value = fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
    const object = fc.record({ x: value, y: fc.dictionary(fc.string({ unit: fc.constantFrom(...'abcxyz_.-/') }), fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string())) });
    const gap = fc.constantFrom('', '\n', ' ', '\r\n', '\n\n\t', '  \n  ');
    const stream = fc.array(fc.tuple(object, gap, fc.boolean()), { minLength: 1, maxLength: 4 }).map((items) =>
      items.map(([o, g, pretty], i) => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}` }, ...o }, null, pretty ? 2 : undefined) + g).join('\n'));
    const streams = fc.sample(stream, 25);
    expect(disagreements(Object.fromEntries(streams.map((s, i) => [`json ${i}`, s])), file)).toEqual([]);
    for (const text of streams) expect(readBoth(text, file).kubectl).toHaveProperty('objects');
  });
});
