/**
 * Job files: YAML or JSON (JSON is YAML), parsed with positions so that every problem can name
 * its line and column. Paths in a job are relative to the job file's folder.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
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
  locate(path: JobPath): { line: number; column: number } | undefined;
}

export function jobFromObject(spec: unknown, baseDir = process.cwd()): LoadedJob {
  return { spec, baseDir, locate: () => undefined };
}

export function parseJobText(text: string, file: string, baseDir: string): LoadedJob {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems: Problem[] = doc.errors.map((e) => {
      const pos = lineCounter.linePos(e.pos[0]);
      return { path: '', message: `not valid YAML or JSON: ${e.message.split('\n')[0]}`, line: pos.line, column: pos.col };
    });
    throw new JobError(problems, file);
  }
  return {
    spec: doc.toJS({ maxAliasCount: 100 }),
    file,
    baseDir,
    locate: (path) => {
      const offset = offsetOf(doc, path);
      if (offset === undefined) return undefined;
      const pos = lineCounter.linePos(offset);
      return { line: pos.line, column: pos.col };
    },
  };
}

export async function readJobFile(file: string): Promise<LoadedJob> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new JobError([{ path: '', message: `cannot read the job file: ${reason}` }], file);
  }
  return parseJobText(text, file, dirname(resolve(file)));
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
