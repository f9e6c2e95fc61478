import type { NodeImage, ToolPin, Versions } from './versions-types.ts';

/**
 * The kind release that creates clusters on `image`: kind supports a node image only with the
 * release it was built for (kind.sigs.k8s.io/docs/design/node-image). The pinned `kind` when it
 * is that release; otherwise the same download at the image's release, installed beside it as
 * `kind-<release>`, so two kinds never overwrite each other in .cache/bin.
 */
export function kindPinFor(versions: Versions, image: NodeImage): ToolPin {
  const pinned = versions.tools.kind;
  return image.kind === pinned.version ? pinned : { ...pinned, version: image.kind, binary: `kind-${image.kind}` };
}

/** The program a pin installs as, in .cache/bin or on PATH. */
export function binaryOf(pin: ToolPin): string {
  return pin.binary ?? pin.name;
}

/** What runs on kind clusters of these node images need: helm, kubectl, and every kind release they name. */
export function toolsFor(versions: Versions, images: readonly NodeImage[]): ToolPin[] {
  const kinds = new Map(images.map((i) => kindPinFor(versions, i)).map((p) => [binaryOf(p), p]));
  return [versions.tools.helm, versions.tools.kubectl, ...kinds.values()];
}
