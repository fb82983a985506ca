// The command line's TargetPort (server/src/core/runtimePort.ts) over the test's own inspector
// connections (InspectedProcess): what tests of the engine and the command interpreter use
// without a language server.
import type { TargetInfo } from '../../common/reports';
import { RuntimeTargetPort } from '../../server/src/core/runtimePort';
import type { InspectedProcess } from './inspectedProcess';

export interface InspectedTarget extends TargetInfo {
  process: InspectedProcess;
}

export class InspectedPort extends RuntimeTargetPort {
  constructor(targets: InspectedTarget[]) {
    const processes = new Map(targets.map((t) => [t.id, t.process]));
    super((target) => processes.get(target.id)?.runtimeConnection);
    this.setTargets(targets.map(({ id, name }) => ({ id, name })));
  }
}
