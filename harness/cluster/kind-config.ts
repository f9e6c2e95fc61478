import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import type { ClusterShape } from '../runner/scenario.ts';
import type { NodeImage } from '../targets/versions-types.ts';

export const KIND_CONFIG_DIR = fileURLToPath(new URL('../../kind-config/', import.meta.url));

/** NodePorts the Kong releases use; kind maps them to host ports. */
export const NODE_PORTS = { proxy: 30080, admin: 30001 } as const;
export type HostPorts = { proxy: number; admin: number };

export function readShape(shape: ClusterShape): string {
  return readFileSync(`${KIND_CONFIG_DIR}${shape}.yaml`, 'utf8');
}

/** The host ports the shape file asks for, used when they are free. */
export function defaultHostPorts(shapeText: string): HostPorts {
  const doc = parseDocument(shapeText).toJS() as KindConfig;
  const mappings = doc.nodes.flatMap((n) => n.extraPortMappings ?? []);
  const hostPortOf = (containerPort: number) => {
    const m = mappings.find((x) => x.containerPort === containerPort);
    if (!m) throw new Error(`kind config maps no host port to NodePort ${containerPort}`);
    return m.hostPort;
  };
  return { proxy: hostPortOf(NODE_PORTS.proxy), admin: hostPortOf(NODE_PORTS.admin) };
}

/**
 * The kind config a run uses: the shape file with every node pinned to image@digest and the
 * NodePort mappings pointed at the chosen host ports. Comments in the file are kept.
 */
export function renderKindConfig(shapeText: string, image: NodeImage, ports: HostPorts): string {
  const doc = parseDocument(shapeText);
  const config = doc.toJS() as KindConfig;
  config.nodes.forEach((node, i) => {
    doc.setIn(['nodes', i, 'image'], `${image.image}@${image.digest}`);
    (node.extraPortMappings ?? []).forEach((m, j) => {
      const host = m.containerPort === NODE_PORTS.proxy ? ports.proxy : m.containerPort === NODE_PORTS.admin ? ports.admin : m.hostPort;
      doc.setIn(['nodes', i, 'extraPortMappings', j, 'hostPort'], host);
    });
  });
  return doc.toString();
}

interface KindConfig {
  nodes: { role: string; extraPortMappings?: { containerPort: number; hostPort: number }[] }[];
}
