import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  containerArgs, reachable, inspectArgs, listContainersArgs, listNetworksArgs, parseDockerTime, parseLabels, parseResourceLines, reachableArgs,
} from '../../../harness/tools/docker.ts';

describe('tools/docker argv', () => {
  it('builds argv for reachability, container actions and inspect', () => {
    expect(reachableArgs()).to.deep.equal(['version', '--format', '{{.Server.Version}}']);
    expect(containerArgs('kill', 'kc-abc-worker')).to.deep.equal(['kill', 'kc-abc-worker']);
    expect(containerArgs('stop', 'c')).to.deep.equal(['stop', 'c']);
    expect(containerArgs('start', 'c')).to.deep.equal(['start', 'c']);
    expect(inspectArgs('c')).to.deep.equal(['inspect', '--type', 'container', 'c']);
  });

  it('lists containers and networks by label as JSON lines', () => {
    expect(listContainersArgs({ label: 'kong-chaos.run=r1' })).to.deep.equal(
      ['ps', '--all', '--no-trunc', '--filter', 'label=kong-chaos.run=r1', '--format', '{{json .}}'],
    );
    expect(listNetworksArgs({ label: 'kong-chaos.run' })).to.deep.equal(
      ['network', 'ls', '--no-trunc', '--filter', 'label=kong-chaos.run', '--format', '{{json .}}'],
    );
  });

  it('parses labels and docker timestamps', () => {
    expect(parseLabels('kong-chaos.run=r1,io.x-k8s.kind.role=worker,flag')).to.deep.equal({
      'kong-chaos.run': 'r1', 'io.x-k8s.kind.role': 'worker', flag: '',
    });
    expect(parseLabels('')).to.deep.equal({});
    expect(parseDockerTime('2025-01-02 10:00:00 +0100 CET')?.toISOString()).to.equal('2025-01-02T09:00:00.000Z');
    expect(parseDockerTime('2025-01-02 10:00:00.123456789 +0000 UTC')?.toISOString()).to.equal('2025-01-02T10:00:00.123Z');
    expect(parseDockerTime('yesterday')).to.equal(undefined);
  });

  it('parses ps and network ls lines', () => {
    const ps = [
      '{"ID":"abc123","Names":"kc-r1-control-plane","Labels":"kong-chaos.run=r1","CreatedAt":"2025-01-02 10:00:00 +0000 UTC","State":"running"}',
      '{"ID":"def456","Name":"kind","Labels":"","CreatedAt":"2025-01-02 10:00:00.5 +0000 UTC"}',
      '',
    ].join('\n');
    expect(parseResourceLines(ps)).to.deep.equal([
      { id: 'abc123', name: 'kc-r1-control-plane', labels: { 'kong-chaos.run': 'r1' }, createdAt: new Date('2025-01-02T10:00:00Z') },
      { id: 'def456', name: 'kind', labels: {}, createdAt: new Date('2025-01-02T10:00:00.5Z') },
    ]);
    expect(parseResourceLines('')).to.deep.equal([]);
  });

  describe('reachable, with a fake docker in the bin dir', () => {
    let dir: string;
    let previous: string | undefined;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'kong-chaos-docker-'));
      previous = process.env.KONG_CHAOS_BIN_DIR;
      process.env.KONG_CHAOS_BIN_DIR = dir;
    });
    afterEach(async () => {
      if (previous === undefined) delete process.env.KONG_CHAOS_BIN_DIR;
      else process.env.KONG_CHAOS_BIN_DIR = previous;
      await rm(dir, { recursive: true, force: true });
    });

    it('returns the server version', async () => {
      await writeFile(join(dir, 'docker'), '#!/bin/sh\necho 27.3.1\n', { mode: 0o755 });
      expect(await reachable()).to.deep.equal({ ok: true, serverVersion: '27.3.1' });
    });

    it('returns docker\'s own reason instead of throwing', async () => {
      const script = '#!/bin/sh\necho "Client: 27.3.1"\necho "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2\nexit 1\n';
      await writeFile(join(dir, 'docker'), script, { mode: 0o755 });
      expect(await reachable()).to.deep.equal({
        ok: false, reason: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
      });
    });
  });
});
