import { z } from 'zod';
import { defineFault } from '../types.js';
import { fullReference, applyImagePullFailure } from './imagePullFailure.js';
import { workloadParams } from './workload.js';

/** A private registry refuses the pull: no imagePullSecrets, or credentials it does not accept. */
export const imagePullUnauthorized = defineFault({
  id: 'image-pull-unauthorized',
  title: 'The registry refuses to serve the image without valid credentials (ErrImagePull / ImagePullBackOff)',
  layer: 'pod',
  description:
    'Creates a Deployment whose pod waits in ImagePullBackOff because the registry answers 401 Unauthorized (token endpoint, style `token-401`) or "pull access denied ... insufficient_scope: authorization failed" (style `denied`), as containerd 1.7 reports them through the kubelet\'s "Failed to pull image" events. `imagePullSecrets` names secrets the pod references (default none: the usual cause).',
  params: z.strictObject({
    ...workloadParams('shop', 'billing'),
    container: z.string().default('billing'),
    image: z.string().default('registry.example.com/shop/billing:4.0.0'),
    node: z.string().optional(),
    style: z.enum(['token-401', 'denied']).default('token-401'),
    imagePullSecrets: z.array(z.string()).default([]),
    ageSeconds: z.number().int().min(30).max(86400).default(420),
  }),
  apply(ctx, p) {
    const ref = fullReference(p.image);
    const registry = ref.split('/')[0] ?? '';
    const repo = ref.slice(registry.length + 1).replace(/[:@][^/]*$/, '');
    const cause =
      p.style === 'denied'
        ? 'pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed'
        : `failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://${registry}/service/token?scope=repository%3A${encodeURIComponent(repo)}%3Apull&service=harbor-registry: 401 Unauthorized`;
    applyImagePullFailure(ctx, {
      ...p,
      ...(p.pod ? { pod: p.pod } : {}),
      ...(p.node ? { node: p.node } : {}),
      error: `rpc error: code = Unknown desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${cause}`,
    });
  },
});
