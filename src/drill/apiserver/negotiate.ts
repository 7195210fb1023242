/**
 * Accept-header negotiation the way clients use it against the apiserver: the
 * list is in preference order, each entry a media type with `as`/`g`/`v`
 * parameters naming a transformed form (a Table, aggregated discovery).
 */

/** What a resource endpoint can produce, as a 406 lists it. */
export const acceptedTypes = [
  'application/json',
  'application/json;as=Table;v=v1;g=meta.k8s.io',
  'application/json;as=Table;v=v1beta1;g=meta.k8s.io',
];

export interface MediaRange {
  type: string;
  params: Record<string, string>;
}

export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [{ type: '*/*', params: {} }];
  return header
    .split(',')
    .map((part) => {
      const [type = '', ...rest] = part.split(';').map((s) => s.trim());
      const params: Record<string, string> = {};
      for (const p of rest) {
        const eq = p.indexOf('=');
        if (eq > 0)
          params[p.slice(0, eq).trim().toLowerCase()] = p
            .slice(eq + 1)
            .trim()
            .replace(/^"|"$/g, '');
      }
      return { type: type.toLowerCase(), params };
    })
    .filter((m) => m.type !== '');
}

function isJson(m: MediaRange): boolean {
  return m.type === 'application/json' || m.type === '*/*' || m.type === 'application/*';
}

export type Representation =
  { kind: 'object' } | { kind: 'table'; apiVersion: string } | { kind: 'discovery'; version: 'v2' | 'v2beta1' };

/**
 * The first entry this server can produce for a response that may be a plain
 * object, a Table (`tables`) or aggregated discovery (`discovery`); undefined
 * when nothing acceptable is on offer (a 406).
 */
export function negotiate(
  accept: MediaRange[],
  offers: { tables?: boolean; discovery?: boolean },
): Representation | undefined {
  for (const m of accept) {
    if (!isJson(m)) continue;
    const { as, g, v } = m.params;
    if (as === undefined) return { kind: 'object' };
    if (offers.tables && as === 'Table' && g === 'meta.k8s.io' && (v === 'v1' || v === 'v1beta1')) {
      return { kind: 'table', apiVersion: `meta.k8s.io/${v}` };
    }
    if (
      offers.discovery &&
      as === 'APIGroupDiscoveryList' &&
      g === 'apidiscovery.k8s.io' &&
      (v === 'v2' || v === 'v2beta1')
    ) {
      return { kind: 'discovery', version: v };
    }
  }
  return undefined;
}
