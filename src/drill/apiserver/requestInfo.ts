import { isTrue } from './params.js';
import { parseFieldSelector } from '../../kube/selectors/fields.js';

/**
 * What a request asks, as the apiserver's RequestInfoFactory reads it from
 * the path alone (before any routing): authorization and fault matching use
 * it, so a denial names the same verb, resource and namespace a real
 * apiserver would, even for a resource this server does not serve.
 */
export interface RequestInfo {
  isResourceRequest: boolean;
  /** The request path, for non-resource requests (`/readyz`). */
  path: string;
  verb: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
}

const namespaceSubresources = new Set(['status', 'finalize']);

function verbOfMethod(method: string): string {
  switch (method) {
    case 'POST':
      return 'create';
    case 'GET':
    case 'HEAD':
      return 'get';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      return '';
  }
}

/** The name a field selector pins with `metadata.name=`, which upstream treats as the request's name. */
function pinnedName(selector: string | null): string {
  if (!selector) return '';
  try {
    const name =
      parseFieldSelector(
        selector,
        () => true,
        () => '',
      ).pinned('metadata.name') ?? '';
    return name === '.' || name === '..' || /[/%]/.test(name) ? '' : name;
  } catch {
    return '';
  }
}

export function requestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const info: RequestInfo = {
    isResourceRequest: false,
    path,
    verb: method.toLowerCase(),
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
  };
  // The path comes decoded, as Go's URL.Path does: an encoded slash is a separator here too.
  let parts = path.split('/').filter((s) => s !== '');
  if (parts.length < 3 || (parts[0] !== 'api' && parts[0] !== 'apis')) return info;
  const grouped = parts[0] === 'apis';
  parts = parts.slice(1);
  if (grouped) {
    if (parts.length < 3) return info;
    info.apiGroup = parts[0] ?? '';
    parts = parts.slice(1);
  }
  info.isResourceRequest = true;
  info.apiVersion = parts[0] ?? '';
  parts = parts.slice(1);

  let viaMethod = true;
  if ((parts[0] === 'watch' || parts[0] === 'proxy') && parts.length >= 2) {
    info.verb = parts[0];
    viaMethod = false;
    parts = parts.slice(1);
  } else {
    info.verb = verbOfMethod(method);
  }

  if (parts[0] === 'namespaces' && parts.length > 1) {
    info.namespace = parts[1] ?? '';
    if (parts.length > 2 && !namespaceSubresources.has(parts[2] ?? '')) parts = parts.slice(2);
  }
  info.resource = parts[0] ?? '';
  info.name = parts[1] ?? '';
  if (parts.length >= 3 && info.verb !== 'proxy') info.subresource = parts[2] ?? '';

  if (viaMethod && info.name === '' && info.verb === 'get') {
    info.verb = isTrue(query.get('watch')) ? 'watch' : 'list';
    info.name = pinnedName(query.get('fieldSelector'));
  }
  if (viaMethod && info.name === '' && info.verb === 'delete') info.verb = 'deletecollection';
  return info;
}
