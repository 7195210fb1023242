import { NodeAccessError } from './types.js';
import type { NodeAccess } from './types.js';

/** For walks that only read the API: a host check says plainly that it cannot reach the node. */
export const noNodeAccess: NodeAccess = {
  kind: 'none',
  run(node) {
    return Promise.reject(
      new NodeAccessError(
        'not-possible',
        `no node access configured: cannot run commands on ${node} (choose one with --node-access)`,
      ),
    );
  },
};
