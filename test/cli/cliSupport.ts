// What the command line's tests share: the CLI bundle, a scratch copy of a fixture (tests edit
// its files), the Node that runs the programs, and the JSON events a run wrote.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { fixture, repoRoot } from '../support/paths';
import { testNode } from '../support/inspectedProcess';

export const cliEntry = path.join(repoRoot, 'dist', 'cli', 'live-update.js');

/** `node <cli>` as a shell command line, run by the test runner's Node (the CLI needs Node 20+). */
export const cliCommand = (...args: string[]): string => [process.execPath, cliEntry, ...args].map(shellQuote).join(' ');

/** `--node=…` when the programs run on another Node than the test runner (LIVE_UPDATE_TEST_NODE). */
export const programNodeArgs = (): string[] => (testNode() === process.execPath ? [] : [`--node=${testNode()}`]);

export function shellQuote(word: string): string {
  return /^[\w./=:-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function scratchCopy(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `live-update-cli-${name}-`));
  for (const file of fs.readdirSync(fixture(name))) fs.copyFileSync(fixture(name, file), path.join(dir, file));
  return dir;
}

export function edit(file: string, search: string, replacement: string): void {
  const text = fs.readFileSync(file, 'utf8');
  if (!text.includes(search)) throw new Error(`"${search}" not in ${file}`);
  fs.writeFileSync(file, text.replace(search, replacement));
}

export function get(port: number, urlPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: urlPath }, (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

export interface JsonEvent {
  v: number;
  event: string;
  [field: string]: any;
}

export function readEvents(file: string): JsonEvent[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as JsonEvent);
}
