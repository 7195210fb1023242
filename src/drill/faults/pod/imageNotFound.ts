import { z } from 'zod';
import { defineFault } from '../types.js';
import { fullReference, applyImagePullFailure } from './imagePullFailure.js';
import { workloadParams } from './workload.js';

/** A release points at a tag that was never pushed: the registry answers 404 for the manifest. */
export const imageNotFound = defineFault({
  id: 'image-not-found',
  title: 'The image tag does not exist in the registry (ErrImagePull / ImagePullBackOff)',
  layer: 'pod',
  description:
    'Creates a Deployment (with its ReplicaSet) whose pod is scheduled to a worker and stuck Pending with its container waiting in ImagePullBackOff. The kubelet\'s events repeat Pulling, "Failed to pull image ...: rpc error: code = NotFound desc = failed to pull and unpack image ...: failed to resolve reference ...: not found", "Error: ErrImagePull", then BackOff "Back-off pulling image" and "Error: ImagePullBackOff", with counts that follow the pull back-off (10 s doubling to 5 min). The Deployment has no available replica; after 10 minutes its Progressing condition is ProgressDeadlineExceeded.',
  params: z.strictObject({
    ...workloadParams('shop', 'api'),
    container: z.string().default('api'),
    /** The reference in the pod spec; the registry has no such tag. */
    image: z.string().default('registry.example.com/shop/api:3.2.0'),
    node: z.string().optional(),
    /** How long ago the pod was created, in seconds. */
    ageSeconds: z.number().int().min(30).max(86400).default(540),
  }),
  apply(ctx, p) {
    const ref = fullReference(p.image);
    applyImagePullFailure(ctx, {
      ...p,
      ...(p.pod ? { pod: p.pod } : {}),
      ...(p.node ? { node: p.node } : {}),
      error: `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`,
    });
  },
});
