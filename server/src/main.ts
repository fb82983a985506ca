// The Live Update language server: a thin LSP layer over the update engine. It listens for saves,
// runs the engine, and publishes the engine's diagnostics and reports.
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  createConnection,
  DiagnosticSeverity,
  ProposedFeatures,
  TextDocumentSyncKind,
  type Diagnostic,
} from 'vscode-languageserver/node';
import { DIAGNOSTIC_SOURCE, DidUpdate, TargetsChanged } from '../../common/protocol';
import type { LiveDiagnostic, Severity } from './core/diagnostics';
import { UpdateEngine } from './core/updateEngine';
import { LspTargetPort } from './lspPort';

const connection = createConnection(ProposedFeatures.all);
const port = new LspTargetPort(connection);
const engine = new UpdateEngine(port);
/** Files that currently show Live Update diagnostics, so they can be cleared. */
const filesWithDiagnostics = new Set<string>();

connection.onInitialize(() => ({
  capabilities: {
    textDocumentSync: { openClose: false, change: TextDocumentSyncKind.None, save: { includeText: true } },
  },
  serverInfo: { name: 'Live Update' },
}));

connection.onNotification(TargetsChanged.type, ({ targets }) => {
  const live = new Set(targets.map((t) => t.id));
  for (const old of port.targets()) if (!live.has(old.id)) engine.forgetTarget(old.id);
  port.setTargets(targets);
  // Diagnostics describe running programs; with none left, none of them is true any more.
  if (targets.length === 0) for (const file of filesWithDiagnostics) publish(file, []);
});

connection.onDidSaveTextDocument(async ({ textDocument, text }) => {
  if (text === undefined || !textDocument.uri.startsWith('file:')) return;
  const file = fileURLToPath(textDocument.uri);
  try {
    const { report, diagnostics } = await engine.onSave(file, text);
    if (report.outcome === 'no-change' && diagnostics.length === 0 && report.targets.length === 0) {
      if (filesWithDiagnostics.has(file)) publish(file, []);
      return;
    }
    publish(file, diagnostics);
    void connection.sendNotification(DidUpdate.type, report);
  } catch (e) {
    connection.console.error(`update of ${file} failed: ${e instanceof Error ? e.stack : String(e)}`);
  }
});

function publish(file: string, diagnostics: LiveDiagnostic[]): void {
  if (diagnostics.length) filesWithDiagnostics.add(file);
  else filesWithDiagnostics.delete(file);
  void connection.sendDiagnostics({ uri: pathToFileURL(file).href, diagnostics: diagnostics.map(toLsp) });
}

const severities: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

function toLsp(d: LiveDiagnostic): Diagnostic {
  return {
    severity: severities[d.severity],
    code: d.code,
    source: DIAGNOSTIC_SOURCE,
    message: d.message,
    range: { start: { line: d.start.line, character: d.start.column }, end: { line: d.end.line, character: d.end.column } },
  };
}

connection.listen();
