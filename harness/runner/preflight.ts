import { EnvironmentError } from '../errors.ts';
import type { ToolPin } from '../targets/versions-types.ts';
import { reachable } from '../tools/docker.ts';
import { resolveBinary, toolBinDir } from '../tools/exec.ts';
import { ensureTool, readToolVersion, sameVersion } from '../tools/install.ts';
import { binaryOf } from '../targets/tool-pins.ts';

/**
 * Docker and the pinned tools, checked before anything is created, so a missing prerequisite is
 * one line and exit 3 with its fix rather than a failure halfway through a run.
 */
export async function preflight(o: { needsDocker: boolean; tools: readonly ToolPin[]; installTools: boolean; command: string }): Promise<void> {
  if (o.needsDocker) {
    const docker = await reachable();
    if (!docker.ok) throw new EnvironmentError(`Docker is not reachable (${docker.reason}); kong-chaos ${o.command} needs a Docker engine for kind and Postgres — see kong-chaos doctor`);
  }
  for (const pin of o.tools) {
    if (o.installTools) {
      await ensureTool(pin, { binDir: toolBinDir(), onProgress: (m) => process.stderr.write(`  ${m}\n`) });
      continue;
    }
    const reading = await readToolVersion(resolveBinary(binaryOf(pin)), pin);
    if (!('version' in reading) || !sameVersion(reading.version, pin.version)) {
      const found = 'version' in reading ? `found ${reading.version}` : reading.problem;
      throw new EnvironmentError(`${binaryOf(pin)} ${pin.version} is needed (${found}); rerun with --install-tools to install it into .cache/bin`);
    }
  }
}
