/** Cluster DNS names as CoreDNS's kubernetes plugin answers them: <service>.<namespace>.svc.<zone>, and the short forms a pod's search list completes. */

/** The host part of a URL or host:port. */
export function hostOf(nameOrUrl: string): string {
  return nameOrUrl
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/[/?#].*$/, '')
    .replace(/:\d+$/, '')
    .replace(/\.$/, '')
    .toLowerCase();
}

/** `web`, `web.shop`, `web.shop.svc`, `web.shop.svc.cluster.local` → service and namespace (namespace undefined for a bare name). */
export function clusterName(
  host: string,
  zone = 'cluster.local',
): { service: string; namespace?: string; qualified: boolean } | undefined {
  const suffixes = [`.svc.${zone}`, '.svc'];
  const suffix = suffixes.find((s) => host.endsWith(s));
  const rest = suffix ? host.slice(0, -suffix.length) : host;
  const parts = rest.split('.');
  if (parts.length === 1 && parts[0]) return { service: parts[0], qualified: false };
  if (parts.length === 2 && parts[0] && parts[1])
    return { service: parts[0], namespace: parts[1], qualified: suffix !== undefined };
  return undefined;
}
