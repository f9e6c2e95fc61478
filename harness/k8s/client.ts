import {
  KubeConfig,
  KubernetesObjectApi,
  ServerConfiguration,
  createConfiguration,
  type Middleware,
} from '@kubernetes/client-node';
import { oneLine, quote, UserError } from '../errors.ts';
import { timeout } from '../timeouts.ts';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
  resourceVersion?: string;
  [field: string]: unknown;
}

/**
 * Any Kubernetes object. Objects read back through client-node carry Date instances where the
 * OpenAPI schema says date-time (e.g. metadata.creationTimestamp) for the built-in kinds.
 */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface Kube {
  readonly config: KubeConfig;
  readonly objects: KubernetesObjectApi;
}

export interface ConnectOptions {
  /** Defaults to $KUBECONFIG, then ~/.kube/config. */
  kubeconfigPath?: string;
  context?: string;
}

/**
 * The stock factories give no hook for a per-request deadline; a middleware that sets an
 * AbortSignal covers every request the object API makes, discovery lookups included.
 */
const deadline: Middleware = {
  async pre(request) {
    request.setSignal(AbortSignal.timeout(timeout('kubeRequest')));
    return request;
  },
  async post(response) {
    return response;
  },
};

class BoundedObjectApi extends KubernetesObjectApi {
  constructor(config: KubeConfig, server: string) {
    super(
      createConfiguration({
        baseServer: new ServerConfiguration(server, {}),
        authMethods: { default: config },
        promiseMiddleware: [deadline],
      }),
    );
    // Namespaced objects without a namespace land where kubectl would put them.
    this.setDefaultNamespace(config);
  }
}

export function connect({ kubeconfigPath, context }: ConnectOptions = {}): Kube {
  const source = kubeconfigPath === undefined ? 'the default kubeconfig' : quote(kubeconfigPath);
  const config = new KubeConfig();
  try {
    if (kubeconfigPath === undefined) config.loadFromDefault();
    else config.loadFromFile(kubeconfigPath);
  } catch (error) {
    // the YAML parser's message goes on with a code frame; its first line says what is wrong
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    throw new UserError(`cannot load kubeconfig from ${source}: ${oneLine(reason)}`);
  }
  if (context !== undefined) {
    if (config.getContextObject(context) === null) {
      const known = config.getContexts().map((c) => c.name);
      throw new UserError(`kubeconfig ${source} has no context ${quote(context)} (it has: ${known.join(', ') || 'none'})`);
    }
    config.setCurrentContext(context);
  }
  const cluster = config.getCurrentCluster();
  if (cluster === null) {
    throw new UserError(`kubeconfig ${source} names no usable current context with a cluster`);
  }
  return { config, objects: new BoundedObjectApi(config, cluster.server) };
}
