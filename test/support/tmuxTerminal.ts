// A terminal a test drives as a person would: tmux runs the command in a detached session of a
// fixed size on a server of its own; the test types keys and reads the screen, polling until it
// shows what it waits for. When the command ends, the screen says `[exit N]` and stays readable.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { eventually } from './eventually';

const TMUX = '/usr/bin/tmux';
let sessions = 0;

export class TmuxTerminal {
  private constructor(private readonly socket: string) {}

  /** Runs `command` (a shell command line) in `cwd` with `env` added to this process's environment. */
  static start(command: string, options: { cwd: string; env?: Record<string, string> }): TmuxTerminal {
    if (!existsSync(TMUX)) throw new Error(`${TMUX} is missing: run scripts/install-tools.sh (installs it with apt-get as root)`);
    const socket = `live-update-test-${process.pid}-${++sessions}`;
    const terminal = new TmuxTerminal(socket);
    const wrapped = `${command}; echo "[exit $?]"; sleep 3600`;
    terminal.tmux(['new-session', '-d', '-x', '120', '-y', '40', '-c', options.cwd, wrapped], { ...process.env, ...options.env });
    return terminal;
  }

  private tmux(args: string[], env: NodeJS.ProcessEnv = process.env): string {
    const result = spawnSync(TMUX, ['-L', this.socket, ...args], { encoding: 'utf8', env });
    if (result.status !== 0) throw new Error(`tmux ${args[0]} failed: ${result.stderr}`);
    return result.stdout;
  }

  /** What the terminal shows, with the lines scrolled off the top. */
  screen(): string {
    return this.tmux(['capture-pane', '-p', '-J', '-S', '-1000']);
  }

  /** Waits until the screen matches `pattern`; returns the match. */
  async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
    let last = '';
    try {
      return await eventually(`the screen to show ${pattern}`, () => pattern.exec((last = this.screen())) ?? undefined, timeoutMs, 50);
    } catch (e) {
      throw new Error(`${(e as Error).message}; the screen shows:\n${last}`);
    }
  }

  /** Types text literally (no key names). */
  type(text: string): void {
    this.tmux(['send-keys', '-t', '0', '-l', text]);
  }

  /** Presses keys by tmux name: `Enter`, `C-c`, `Tab`, `Up`. */
  press(...keys: string[]): void {
    this.tmux(['send-keys', '-t', '0', ...keys]);
  }

  kill(): void {
    spawnSync(TMUX, ['-L', this.socket, 'kill-server']);
  }
}
