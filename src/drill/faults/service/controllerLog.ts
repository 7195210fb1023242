import type { FaultContext } from '../types.js';
import { ago, hexId, logLine } from '../cluster/support/logs.js';
import type { Moment } from '../cluster/support/logs.js';

/**
 * ingress-nginx's controller log in the forms it prints (the cited lines in
 * test/fixtures/ingress-controller-logs/): klog warnings from controller.go
 * (pid 7 in the container), nginx's error lines and the access log's
 * log-format-upstream. The drill writes what the controller would have
 * logged about the app; ingress.controller-log reads it back.
 */

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function nginxKlog(level: 'I' | 'W' | 'E', m: Moment, source: string, message: string): string {
  const d = new Date(m.ms);
  return `${level}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}${pad(m.us, 3)}       7 ${source}] ${message}`;
}

/** `$time_local` as the controller's container (UTC) prints it: 06/Dec/2026:21:49:02 +0000. */
function timeLocal(m: Moment): string {
  const d = new Date(m.ms);
  return `${pad(d.getUTCDate())}/${months[d.getUTCMonth()] ?? 'Jan'}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** nginx's error log time: 2026/12/06 21:49:02. */
function errorTime(m: Moment): string {
  const d = new Date(m.ms);
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

export interface AccessLine {
  client: string;
  request: string;
  status: number;
  bytes: number;
  upstreamName: string;
  /** `10.244.1.200:8080` (tries joined by ', ' as nginx does), or '-'. */
  upstream: string;
  upstreamStatus: string;
  seconds: number;
}

/** One access log line in ingress-nginx's default log-format-upstream. */
export function accessLine(m: Moment, a: AccessLine): string {
  const tries = a.upstream === '-' ? 1 : a.upstream.split(', ').length;
  const each = (v: string) => Array.from({ length: tries }, () => v).join(', ');
  const upstreamPart =
    a.upstream === '-' ? '- - - -' : `${a.upstream} ${each('0')} ${each(a.seconds.toFixed(3))} ${a.upstreamStatus}`;
  return `${a.client} - - [${timeLocal(m)}] "${a.request}" ${a.status} ${a.bytes} "-" "curl/8.5.0" 78 ${a.seconds.toFixed(3)} [${a.upstreamName}] [] ${upstreamPart} ${hexId(32, a.request, m.ms)}`;
}

/** nginx's error line for a proxied request that failed. */
export function upstreamErrorLine(
  m: Moment,
  conn: number,
  what: string,
  o: { client: string; host: string; request: string; upstream: string },
): string {
  return `${errorTime(m)} [error] 31#31: *${conn} ${what} while connecting to upstream, client: ${o.client}, server: ${o.host}, request: "${o.request}", upstream: "http://${o.upstream}/", host: "${o.host}"`;
}

/** The controller's start-up and a quiet hour of requests for the host answered by the pods. */
export function healthyControllerLog(
  ctx: FaultContext,
  o: { namespace: string; service: string; port: string; host: string; endpoints: string[]; client: string },
): string[] {
  const startAt = 90 * 86_400;
  const banner = [
    '-------------------------------------------------------------------------------',
    'NGINX Ingress controller',
    '  Release:       v1.11.3',
    '-------------------------------------------------------------------------------',
  ];
  const lines = banner.map((text, i) => logLine(ago(ctx, startAt - i * 0.001, 'banner', 1), text));
  const start = ago(ctx, startAt - 1, 'nginx');
  lines.push(logLine(start, nginxKlog('I', start, 'nginx.go:271', '"Starting NGINX Ingress controller"')));
  const reload = ago(ctx, startAt - 3, 'reload');
  lines.push(logLine(reload, nginxKlog('I', reload, 'controller.go:213', '"Backend successfully reloaded"')));
  const requests = o.endpoints.flatMap((ep, i) => [3000 - i * 7, 1200 - i * 5, 240 - i * 3].map((s) => ({ s, ep })));
  for (const { s, ep } of requests.sort((a, b) => b.s - a.s)) {
    const m = ago(ctx, s, `ok-${ep}`);
    lines.push(
      logLine(
        m,
        accessLine(m, {
          client: o.client,
          request: 'GET / HTTP/1.1',
          status: 200,
          bytes: 612,
          upstreamName: `${o.namespace}-${o.service}-${o.port}`,
          upstream: ep,
          upstreamStatus: '200',
          seconds: 0.004,
        }),
      ),
    );
  }
  return lines;
}

/** The pod name and container the drill's ingress-nginx controller logs under. */
export function controllerLogTarget(ctx: FaultContext): { pod: string; container: string } | undefined {
  const pod = ctx
    .list('Pod', 'ingress-nginx')
    .find((p) => p.metadata.labels?.['app.kubernetes.io/component'] === 'controller');
  return pod ? { pod: pod.metadata.name, container: 'controller' } : undefined;
}
