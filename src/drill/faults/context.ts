import type { DrillNodeMetrics, DrillProfiles } from '../profiles.js';
import { event as eventObject } from '../objects/core.js';
import { createHash } from 'node:crypto';
import type { DrillHosts, DrillResponse } from '../../nodeaccess/drill.js';
import { argvKey } from '../../nodeaccess/drill.js';
import { uidFor } from '../generate.js';
import { involvedUid } from '../generate/ids.js';
import type { VirtualSet } from '../generate/virtualSet.js';
import type { ContainerLog, DrillApiFault, DrillDenial, KubeObject } from '../types.js';
import type { FaultContext, FaultEvent } from './types.js';

/** Thrown by `FaultContext.fail`; the scenario loader turns it into file:line:col. */
export class FaultError extends Error {}

const keyOf = (kind: string, namespace: string | undefined, name: string) => `${kind}\0${namespace ?? ''}\0${name}`;

/** Everything a scenario's cluster is made of, as faults and raw material edit it. */
export interface ClusterParts {
  objects: KubeObject[];
  /** Objects made on read (generated filler pods and their Endpoints); a fault that reads one makes it a written object. */
  virtual: VirtualSet[];
  logs: ContainerLog[];
  hosts: DrillHosts;
  denials: DrillDenial[];
  apiFaults: DrillApiFault[];
  profiles?: DrillProfiles;
  nodeMetrics?: DrillNodeMetrics;
}

/** A FaultContext over a cluster's parts; it edits them in place, keeping object order. */
export function faultContext(parts: ClusterParts, now: Date, at: (relative: string) => string): FaultContext {
  const index = new Map<string, number>();
  parts.objects.forEach((o, i) => index.set(keyOf(o.kind, o.metadata.namespace, o.metadata.name), i));
  let eventSeq = 0;
  const append = (o: KubeObject): void => {
    index.set(keyOf(o.kind, o.metadata.namespace, o.metadata.name), parts.objects.length);
    parts.objects.push(o);
  };
  /** A generated object a fault reads becomes a written object, so what the fault does to it is what is served. */
  const promote = (kind: string, namespace: string | undefined, name: string): void => {
    if (index.has(keyOf(kind, namespace, name))) return;
    for (const v of parts.virtual) {
      if (v.kind !== kind) continue;
      const i = v.indexOf(namespace, name);
      if (i === undefined) continue;
      append(v.make(i));
      v.take(i);
      return;
    }
  };
  const promoteAll = (kind: string, namespace: string | undefined): void => {
    for (const v of parts.virtual) {
      if (v.kind !== kind || (namespace !== undefined && v.namespace !== namespace)) continue;
      for (let i = 0; i < v.size; i++) {
        if (!v.exists(i)) continue;
        append(v.make(i));
        v.take(i);
      }
    }
  };
  const ctx: FaultContext = {
    now,
    at: (relative) => at(relative),
    find(kind, namespace, name) {
      promote(kind, namespace, name);
      const i = index.get(keyOf(kind, namespace, name));
      return i === undefined ? undefined : parts.objects[i];
    },
    need(kind, namespace, name) {
      const o = ctx.find(kind, namespace, name);
      if (!o) ctx.fail(`the cluster has no ${kind} ${namespace ? `${namespace}/` : ''}${name}`);
      return o;
    },
    podsOn(nodeName) {
      for (const v of parts.virtual) {
        for (const i of v.onNode?.(nodeName) ?? []) {
          if (!v.exists(i)) continue;
          append(v.make(i));
          v.take(i);
        }
      }
      // Virtual sets that cannot say which of theirs are on a node are made whole.
      for (const v of parts.virtual) if (v.kind === 'Pod' && !v.onNode) promoteAll('Pod', v.namespace);
      return parts.objects.filter(
        (o) => o.kind === 'Pod' && (o.spec as { nodeName?: string } | undefined)?.nodeName === nodeName,
      );
    },
    list(kind, namespace) {
      promoteAll(kind, namespace);
      return parts.objects.filter(
        (o) => o.kind === kind && (namespace === undefined || o.metadata.namespace === namespace),
      );
    },
    put(object) {
      promote(object.kind, object.metadata.namespace, object.metadata.name);
      const k = keyOf(object.kind, object.metadata.namespace, object.metadata.name);
      const i = index.get(k);
      if (i === undefined) {
        index.set(k, parts.objects.length);
        parts.objects.push(object);
      } else {
        parts.objects[i] = object;
      }
    },
    remove(kind, namespace, name) {
      promote(kind, namespace, name);
      const k = keyOf(kind, namespace, name);
      const i = index.get(k);
      if (i === undefined) return;
      parts.objects.splice(i, 1);
      index.clear();
      parts.objects.forEach((o, j) => index.set(keyOf(o.kind, o.metadata.namespace, o.metadata.name), j));
    },
    event(e: FaultEvent) {
      const first = at(e.firstSeen ?? e.lastSeen ?? 'now-1m');
      const last = at(e.lastSeen ?? e.firstSeen ?? 'now-1m');
      const about = e.about;
      const ns = about.metadata.namespace ?? 'default';
      // Real event names are <object>.<hex of the first timestamp>; a hash keeps them unique and stable.
      const uid = involvedUid(about.kind, about.metadata.name, about.metadata.uid, e.source);
      const suffix = createHash('sha1')
        .update(`${about.kind}/${ns}/${about.metadata.name}/${e.reason}/${e.message}/${eventSeq++}`)
        .digest('hex')
        .slice(0, 16);
      const made = eventObject(
        {
          name: `${about.metadata.name}.${suffix}`,
          namespace: ns,
          creationTimestamp: first,
          uid: uidFor('event', ns, suffix),
        },
        {
          involvedObject: {
            apiVersion: about.apiVersion,
            kind: about.kind,
            name: about.metadata.name,
            ...(about.metadata.namespace ? { namespace: about.metadata.namespace } : {}),
            ...(uid ? { uid } : {}),
          },
          reason: e.reason,
          message: e.message,
          source: { component: e.source, ...(e.host ? { host: e.host } : {}) },
          reportingComponent: e.source,
          reportingInstance: e.host ?? '',
          firstTimestamp: first,
          lastTimestamp: last,
          count: e.count ?? 1,
          type: e.type ?? 'Warning',
        },
      );
      ctx.put(made);
      return made;
    },
    log(namespace, pod, container, lines, previous = false) {
      const i = parts.logs.findIndex(
        (l) =>
          l.namespace === namespace && l.pod === pod && l.container === container && Boolean(l.previous) === previous,
      );
      const entry: ContainerLog = {
        namespace,
        pod,
        container,
        previous,
        lines: lines.map((l) => resolveLineTime(l, at)),
      };
      if (i === -1) parts.logs.push(entry);
      else parts.logs[i] = entry;
    },
    logOf(namespace, pod, container, previous = false) {
      return [
        ...(parts.logs.find(
          (l) =>
            l.namespace === namespace && l.pod === pod && l.container === container && Boolean(l.previous) === previous,
        )?.lines ?? []),
      ];
    },
    host(node, argv, response) {
      const key = typeof argv === 'string' ? argv : argvKey(argv);
      (parts.hosts[node] ??= {})[key] = response;
    },
    hostAnswer(node, argv): DrillResponse | readonly DrillResponse[] | undefined {
      const key = typeof argv === 'string' ? argv : argvKey(argv);
      const host = Object.hasOwn(parts.hosts, node) ? parts.hosts[node] : undefined;
      return host && Object.hasOwn(host, key) ? host[key] : undefined;
    },
    deny(d) {
      parts.denials.push(d);
    },
    apiFault(f) {
      parts.apiFaults.push(f);
    },
    profile(who, spec) {
      (parts.profiles ??= {})[who] = spec;
    },
    nodeMetrics(node, usage) {
      (parts.nodeMetrics ??= {})[node] = usage;
    },
    fail(message) {
      throw new FaultError(message);
    },
  };
  return ctx;
}

function resolveLineTime(line: string, at: (relative: string) => string): string {
  const sp = line.indexOf(' ');
  const head = sp === -1 ? line : line.slice(0, sp);
  if (!head.startsWith('now')) return line;
  const t = at(head);
  return t === head ? line : `${t}${sp === -1 ? '' : line.slice(sp)}`;
}
