/**
 * Kong stopped inside its container, so that the kubelet starts the container again in the same
 * pod: the pod keeps its name, its IP and its place in the Admin API Service's EndpointSlice, as
 * after a crash or a failed liveness probe, unlike a deleted pod, which comes back as a new pod
 * with a new IP.
 *
 * In the kong image nginx is the container's PID 1 (docker-entrypoint.sh of Kong/docker-kong
 * ends `exec /usr/local/openresty/nginx/sbin/nginx -p "$PREFIX" -c nginx.conf`), and SIGQUIT is
 * nginx's graceful shutdown, the signal `kong quit` sends (kong/cmd/quit.lua and
 * kong/cmd/utils/nginx_signals.lua@3.9.3). `kill` is sent from a shell, not `kong quit` itself:
 * `kong quit` waits for nginx to exit, and dies with the container before it can answer.
 * PID 1 of a PID namespace receives only the signals it handles, and nginx handles QUIT.
 */
export const GATEWAY_STOP_COMMAND = ['sh', '-c', 'kill -QUIT 1'] as const;
