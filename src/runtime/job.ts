/**
 * Job files: YAML or JSON (JSON is YAML), parsed with positions so that every problem can name
 * its line and column. Paths in a job are relative to the job file's folder.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isCollection, isMap, isNode, isPair, isScalar, isSeq, LineCounter, parse as parseYaml, parseDocument, type Document, type Scalar } from 'yaml';
import { JobError, type Problem } from './errors.js';

/** A stage as written in a job: its type and its options side by side. */
export interface StageSpec {
  readonly type: string;
  readonly [option: string]: unknown;
}

/** The job file format (a public contract: keep it stable). */
export interface JobSpec {
  readonly version?: 1;
  readonly plugins?: readonly string[];
  readonly threads?: number;
  readonly batch_size?: number;
  readonly source: StageSpec;
  readonly transforms?: readonly StageSpec[];
  readonly sink?: StageSpec;
}

export type JobPath = readonly (string | number)[];

/** A job with where it came from, able to point at the source text of any place in it. */
export interface LoadedJob {
  readonly spec: unknown;
  /** The job file as the user named it, for messages; absent for jobs built in code. */
  readonly file?: string;
  /** Folder that relative paths (data files, plugins) are resolved against. */
  readonly baseDir: string;
  /** Problems found while reading (an unset `${NAME}`, a bad `--set`), reported with the plan's. */
  readonly problems?: readonly Problem[];
  locate(path: JobPath): { line: number; column: number } | undefined;
}

export function jobFromObject(spec: unknown, baseDir = process.cwd()): LoadedJob {
  return { spec, baseDir, locate: () => undefined };
}

/** What turns a job file into the job that runs: the environment and command-line overrides. */
export interface JobTextOptions {
  /** Values for `${NAME}`; default: `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** `key.path=value` overrides (`--set transforms[0].value=95`), values read as YAML. */
  readonly set?: readonly string[];
}

export function parseJobText(text: string, file: string, baseDir: string, options: JobTextOptions = {}): LoadedJob {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // After the first syntax error the parser's later errors are consequences of it: report one.
    const first = doc.errors[0]!;
    const pos = lineCounter.linePos(first.pos[0]);
    const lineText = text.split(/\r?\n/)[pos.line - 1] ?? '';
    const hint = /\{[^}]*\$\{/.test(lineText) ? ' (a ${NAME} inside a { ... } map must be quoted: "${NAME}")' : '';
    const message = `not valid YAML or JSON: ${first.message.split('\n')[0]}${hint}`;
    throw new JobError([{ path: '', message, line: pos.line, column: pos.col }], file);
  }
  const problems: Problem[] = [];
  substituteEnv(doc.contents, [], options.env ?? process.env, (path, message, node) => {
    const pos = node.range === undefined || node.range === null ? undefined : lineCounter.linePos(node.range[0]);
    problems.push({ path: formatPath(path), message, ...(pos === undefined ? {} : { line: pos.line, column: pos.col }) });
  });
  for (const assignment of options.set ?? []) {
    const problem = applySet(doc, assignment);
    if (problem !== undefined) problems.push({ path: `--set ${assignment}`, message: problem });
  }
  return {
    spec: doc.toJS({ maxAliasCount: 100 }),
    file,
    baseDir,
    ...(problems.length === 0 ? {} : { problems }),
    locate: (path) => {
      const offset = offsetOf(doc, path);
      if (offset === undefined) return undefined;
      const pos = lineCounter.linePos(offset);
      return { line: pos.line, column: pos.col };
    },
  };
}

export async function readJobFile(file: string, options: JobTextOptions = {}): Promise<LoadedJob> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new JobError([{ path: '', message: `cannot read the job file: ${reason}` }], file);
  }
  return parseJobText(text, file, dirname(resolve(file)), options);
}

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * `${NAME}` and `${NAME:-default}` in string values (never in keys), replaced in the parsed
 * document rather than the text, so a value cannot inject YAML and positions stay true. A value
 * that is exactly one reference is read as a YAML scalar once replaced, so `value: ${LIMIT}` gives
 * a number; quoted too, because inside a flow map (`{ value: "${LIMIT}" }`) it must be quoted to
 * be YAML at all. `$$` is a literal `$`.
 */
function substituteEnv(node: unknown, path: JobPath, env: NodeJS.ProcessEnv, problem: (path: JobPath, message: string, node: Scalar) => void): void {
  if (isScalar(node)) {
    if (typeof node.value !== 'string' || !node.value.includes('$')) return;
    const text = node.value;
    let whole: string | undefined;
    const replaced = text.replace(REFERENCE, (match, name: string | undefined, fallback: string | undefined) => {
      if (name === undefined) return '$';
      const value = env[name];
      if (value !== undefined && (value !== '' || fallback === undefined)) return (whole = value);
      if (fallback !== undefined) return (whole = fallback);
      problem(path, `environment variable ${name} is not set (write \${${name}:-default} to give a default)`, node);
      return match;
    });
    if (replaced === text) return;
    const single = /^\$\{[^}]*\}$/.test(text);
    node.value = single && whole !== undefined ? yamlScalar(whole) : replaced;
    return;
  }
  if (isMap(node)) {
    for (const pair of node.items) substituteEnv(pair.value, [...path, String(isScalar(pair.key) ? pair.key.value : pair.key)], env, problem);
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => substituteEnv(item, [...path, i], env, problem));
  }
}

function yamlScalar(text: string): unknown {
  try {
    const value: unknown = parseYaml(text);
    return value === null || typeof value === 'object' ? text : value;
  } catch {
    return text;
  }
}

/** Applies `transforms[0].value=95`; returns why not when the place does not exist. */
function applySet(doc: Document, assignment: string): string | undefined {
  const eq = assignment.indexOf('=');
  if (eq <= 0) return 'must be key.path=value, e.g. transforms[0].value=95';
  const path = parsePath(assignment.slice(0, eq));
  if (path === undefined) return `"${assignment.slice(0, eq)}" is not a place in a job (e.g. transforms[0].value, source.path)`;
  // Every step must exist but the last key of a map, so a typo cannot silently add a stage.
  for (let k = 0; k < path.length; k++) {
    const here = formatPath(path.slice(0, k)) || 'the job';
    const holder = k === 0 ? doc.contents : doc.getIn(path.slice(0, k), true);
    const key = path[k]!;
    if (!isCollection(holder)) return `${here} is a value, not a map or a list, so it has no ${JSON.stringify(key)}`;
    if (isSeq(holder)) {
      if (typeof key !== 'number') return `${here} is a list: name an item, e.g. ${here}[0]`;
      if (key >= holder.items.length) return `no ${formatPath(path.slice(0, k + 1))} in the job (${here} has ${holder.items.length} item${holder.items.length === 1 ? '' : 's'})`;
    } else {
      if (typeof key === 'number') return `${here} is a map, not a list`;
      if (k < path.length - 1 && !holder.has(key)) return `no ${formatPath(path.slice(0, k + 1))} in the job`;
    }
  }
  const raw = assignment.slice(eq + 1);
  let value: unknown;
  try {
    value = parseYaml(raw);
  } catch {
    value = raw;
  }
  doc.setIn(path, doc.createNode(value));
  return undefined;
}

/** `transforms[0].value` → ['transforms', 0, 'value']; undefined when malformed. */
function parsePath(text: string): JobPath | undefined {
  if (!/^[A-Za-z_][\w-]*(\[\d+\]|\.[A-Za-z_][\w-]*)*$/.test(text)) return undefined;
  return [...text.matchAll(/([A-Za-z_][\w-]*)|\[(\d+)\]/g)].map((m) => (m[2] === undefined ? m[1]! : Number(m[2])));
}

/** Source offset of the deepest node on `path` (an unknown key points at the map holding it). */
function offsetOf(doc: Document, path: JobPath): number | undefined {
  let node: unknown = doc.contents;
  let offset = isNode(node) ? node.range?.[0] : undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && (isScalar(p.key) ? p.key.value : p.key) === key);
      if (pair === undefined) break;
      offset = (isNode(pair.key) ? pair.key.range?.[0] : undefined) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      if (node === undefined) break;
      offset = isNode(node) ? (node.range?.[0] ?? offset) : offset;
    } else break;
  }
  return offset;
}

/** `transforms[1].column` from `['transforms', 1, 'column']`. */
export function formatPath(path: JobPath): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${key}` : key), '');
}
