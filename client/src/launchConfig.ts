// Adds the Live Update runtime to Node.js launches of VS Code's JavaScript debugger. NODE_OPTIONS
// (rather than runtimeArgs) reaches every process the program starts and every worker thread, and
// works for npm scripts and the JavaScript Debug Terminal alike.
import * as vscode from 'vscode';
import { runtimeNodeOptions } from '../../common/nodeOptions';
import { liveUpdateOn } from './restrictedMode';

export const NODE_DEBUG_TYPES = ['node', 'pwa-node', 'node-terminal'] as const;

export class RuntimeInjector implements vscode.DebugConfigurationProvider {
  constructor(private readonly runtimeDir: string, private readonly log: vscode.LogOutputChannel) {}

  resolveDebugConfigurationWithSubstitutedVariables(
    _folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.DebugConfiguration {
    // Only user launches: js-debug's child sessions (one per process) resolve too, and already
    // run in a process whose NODE_OPTIONS carries the runtime.
    if (config.request !== 'launch' || config.__pendingTargetId) return config;
    if (!liveUpdateOn()) {
      if (!vscode.workspace.isTrusted) this.log.info(`Restricted Mode: not adding the runtime to launch "${config.name}"`);
      return config;
    }
    const env = { ...(config.env as Record<string, string | null> | undefined) };
    const runtime = runtimeNodeOptions(this.runtimeDir);
    const existing = env.NODE_OPTIONS ?? '';
    if (existing.includes(runtime)) return config; // resolved twice (node → pwa-node)
    env.NODE_OPTIONS = existing ? `${existing} ${runtime}` : runtime;
    this.log.info(`adding the runtime to launch "${config.name}"`);
    // The runtime's frames are not the user's: stepping skips them and the call stack greys them.
    const skipFiles = [...((config.skipFiles as string[] | undefined) ?? []), `${this.runtimeDir}/**`];
    return { ...config, env, skipFiles };
  }
}
