import type { KubeObject } from './types.ts';

/**
 * The upstream every scenario routes to: Kubernetes' own e2e test server (agnhost netexec),
 * which answers 200 on any path, so a failed request always means Kong, not the backend.
 */
export const ECHO_IMAGE = 'registry.k8s.io/e2e-test-images/agnhost:2.53';
export const ECHO_PORT = 8080;

export function echoBackend(namespace: string, name = 'echo', replicas = 2): KubeObject[] {
  const labels = { app: name };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace, labels },
      spec: {
        replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name,
                image: ECHO_IMAGE,
                args: ['netexec', `--http-port=${ECHO_PORT}`],
                ports: [{ containerPort: ECHO_PORT, name: 'http' }],
                readinessProbe: { httpGet: { path: '/', port: ECHO_PORT }, periodSeconds: 2 },
              },
            ],
          },
        },
      },
    },
    echoService(namespace, name),
  ];
}

export function echoService(namespace: string, name = 'echo', annotations?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels: { app: name }, ...(annotations ? { annotations } : {}) },
    spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: ECHO_PORT, protocol: 'TCP' }] },
  };
}

export function namespace(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}
