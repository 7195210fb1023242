import { encodeCpuProfile, healthyProfiles } from '../profiles.js';
import type { ProcessProfileSpec } from '../profiles.js';
import type { HandlerContext } from './handlerContext.js';
import type { BodyReply } from './reply.js';
import { textReply } from './reply.js';

/**
 * GET /debug/pprof/profile?seconds=N, as Go's net/http/pprof answers it: a
 * gzipped CPU profile covering N seconds (default 30), or the mux's plain
 * "404 page not found" when profiling is off. The drill answers at once: the
 * profile says it covered N seconds, which is all a reader of it can tell.
 */
export function profileReply(ctx: HandlerContext, who: string, query: URLSearchParams): BodyReply {
  const spec: (ProcessProfileSpec & { disabled?: boolean }) | undefined =
    ctx.profiles?.[who] ?? (who === 'apiserver' ? healthyProfiles.apiserver : healthyProfiles.kubelet);
  if (spec.disabled) return textReply('404 page not found\n', 404, { 'X-Content-Type-Options': 'nosniff' });
  const raw = query.get('seconds');
  const seconds = raw === null ? 30 : Number(raw);
  if (!Number.isInteger(seconds) || seconds <= 0)
    return textReply('Bad Request\nInvalid value for seconds\n', 400, { 'X-Content-Type-Options': 'nosniff' });
  return {
    status: 200,
    contentType: 'application/octet-stream',
    body: encodeCpuProfile(spec, seconds, ctx.now()),
    headers: { 'Content-Disposition': 'attachment; filename="profile"', 'X-Content-Type-Options': 'nosniff' },
  };
}
