import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { configSchema, environmentKeys, secretKeys, type HavenConfig } from './config-schema.ts';

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Haven's configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  /** Path of the YAML file; default `HAVEN_CONFIG` or `./haven.yaml` when it exists. */
  file?: string;
  /** Values from the command line; they win over file and environment. */
  overrides?: Record<string, unknown>;
}

type Source = Map<string, string>;

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] as string] = value;
}

function readYaml(file: string, problems: string[]): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    problems.push(`config file ${file} cannot be read: ${(error as Error).message}`);
    return {};
  }
  const doc = parseDocument(text);
  for (const error of doc.errors) {
    const line = error.linePos?.[0]?.line;
    problems.push(`${file}${line ? `:${line}` : ''}: ${error.message.split('\n')[0]}`);
  }
  if (doc.errors.length > 0) return {};
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${file}: the file must hold a mapping of settings (key: value)`);
    return {};
  }
  return value as Record<string, unknown>;
}

function describeIssue(issue: z.core.$ZodIssue, sources: Source): string {
  const path = issue.path.map(String).join('.') || '(root)';
  const from = sources.get(path);
  const where = from ? `${path} (from ${from})` : path;
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => (path === '(root)' ? k : `${path}.${k}`));
    return `${keys.join(', ')}: unknown setting${keys.length > 1 ? 's' : ''}; see docs/configuration.md for the settings Haven knows`;
  }
  return `${where}: ${issue.message}`;
}

/** Load configuration once from environment + optional haven.yaml, validated whole. */
export function loadConfig(options: LoadConfigOptions = {}): HavenConfig {
  const env = options.env ?? process.env;
  const problems: string[] = [];
  const sources: Source = new Map();
  const raw: Record<string, unknown> = {};

  const file =
    options.file || env.HAVEN_CONFIG || (existsSync('haven.yaml') ? 'haven.yaml' : undefined);
  if (file !== undefined) {
    const path = resolve(file);
    if (!existsSync(path)) {
      problems.push(`config file ${file} does not exist (set by HAVEN_CONFIG or --config)`);
    } else {
      const fromFile = readYaml(path, problems);
      Object.assign(raw, fromFile);
      const mark = (prefix: string, value: unknown): void => {
        if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
          for (const [k, v] of Object.entries(value)) mark(prefix ? `${prefix}.${k}` : k, v);
        } else sources.set(prefix, file);
      };
      mark('', fromFile);
    }
  }
  for (const [name, path] of Object.entries(environmentKeys)) {
    const value = env[name];
    if (value !== undefined && value !== '') {
      setPath(raw, path, value);
      sources.set(path, name);
    }
  }
  for (const [path, value] of Object.entries(options.overrides ?? {})) {
    if (value !== undefined) {
      setPath(raw, path, value);
      sources.set(path, 'the command line');
    }
  }

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(describeIssue(issue, sources));
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return parsed.data;
}

function maskUrlPassword(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '*****';
    return url.toString();
  } catch {
    return '*****';
  }
}

/** The effective configuration with secrets masked, for the start-up log. */
export function maskConfig(config: HavenConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  for (const key of secretKeys) {
    const value = out[key];
    if (typeof value === 'string') out[key] = maskUrlPassword(value);
  }
  return out;
}
