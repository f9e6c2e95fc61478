/** A Kubernetes object as the harness builds and applies it (one type for builders and the client). */
export type { KubeObject } from '../k8s/client.ts';
