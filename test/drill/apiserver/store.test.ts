import { describe, expect, it } from 'vitest';
import { ObjectStore } from '../../../src/drill/apiserver/store.js';
import type { StoreChange } from '../../../src/drill/apiserver/store.js';
import type { KubeObject } from '../../../src/drill/types.js';

const nodeOf = (o: KubeObject): string => String((o.spec as { nodeName?: string } | undefined)?.nodeName ?? '');

function newStore(): ObjectStore {
  return new ObjectStore(
    [
      { name: 'pods', namespaced: true, indexes: { 'spec.nodeName': nodeOf } },
      { name: 'nodes', namespaced: false },
    ],
    () => new Date('2025-01-10T12:00:00.123Z'),
  );
}

function pod(namespace: string, name: string, node = ''): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace }, spec: node ? { nodeName: node } : {} };
}

describe('ObjectStore', () => {
  it('fills uid, creationTimestamp and resourceVersion, keeping what objects bring', () => {
    const store = newStore();
    const [a, b] = store.load('pods', [
      pod('ns', 'a'),
      {
        ...pod('ns', 'b'),
        metadata: {
          name: 'b',
          namespace: 'ns',
          uid: 'u-b',
          resourceVersion: '500',
          creationTimestamp: '2020-01-01T00:00:00Z',
        },
      },
    ]);
    expect(a?.metadata).toMatchObject({ resourceVersion: '1', creationTimestamp: '2025-01-10T12:00:00Z' });
    expect(a?.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(b?.metadata).toMatchObject({
      uid: 'u-b',
      resourceVersion: '500',
      creationTimestamp: '2020-01-01T00:00:00Z',
    });
    expect(store.revision).toBe(500);
  });

  it('lists in namespace/name byte order, per namespace or across all', () => {
    const store = newStore();
    store.load('pods', [pod('b', 'x'), pod('a', 'z'), pod('a', 'B'), pod('a', 'a')]);
    const keys = (items: KubeObject[]): string[] => items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    expect(keys(store.list('pods').items)).toEqual(['a/B', 'a/a', 'a/z', 'b/x']);
    expect(keys(store.list('pods', { namespace: 'a' }).items)).toEqual(['a/B', 'a/a', 'a/z']);
    expect(store.list('pods', { namespace: 'none' }).items).toEqual([]);
    expect(store.get('pods', 'a', 'z')?.metadata.name).toBe('z');
  });

  it('pages from a start key and reports what is left', () => {
    const store = newStore();
    store.load(
      'pods',
      ['a', 'b', 'c', 'd', 'e'].map((n) => pod('ns', n)),
    );
    const first = store.list('pods', { limit: 2, countRemaining: true });
    expect(first.items.map((o) => o.metadata.name)).toEqual(['a', 'b']);
    expect([first.lastKey, first.remainingItemCount]).toEqual(['ns/b', 3]);
    const last = store.list('pods', { limit: 3, startKey: 'ns/b\u0000', countRemaining: true });
    expect(last.items.map((o) => o.metadata.name)).toEqual(['c', 'd', 'e']);
    expect(last.lastKey).toBeUndefined();
  });

  it('answers a pinned node from its index without looking at other pods', () => {
    const store = newStore();
    const pods: KubeObject[] = [];
    for (let i = 0; i < 20_000; i++) pods.push(pod(`ns-${i % 40}`, `p-${i}`, `node-${i % 500}`));
    store.load('pods', pods);
    let examined = 0;
    const onNode = store.list('pods', { indexed: { 'spec.nodeName': 'node-7' }, filter: () => (examined++, true) });
    expect(onNode.items).toHaveLength(40);
    expect(examined).toBe(40);
    examined = 0;
    const byName = store.list('pods', { namespace: 'ns-3', name: 'p-3', filter: () => (examined++, true) });
    expect([byName.items.length, examined]).toEqual([1, 1]);
    expect(store.list('pods', { indexed: { 'spec.nodeName': 'no-such-node' } }).items).toEqual([]);
  });

  it('bumps the revision on every write, keeps indexes right and tells subscribers', () => {
    const store = newStore();
    store.load('pods', [pod('ns', 'a', 'n1')]);
    const changes: StoreChange[] = [];
    const unsubscribe = store.subscribe((c) => changes.push(c));
    const before = store.revision;
    const moved = store.put('pods', {
      ...pod('ns', 'a', 'n2'),
      metadata: { name: 'a', namespace: 'ns', resourceVersion: '1' },
    });
    expect(moved.metadata.resourceVersion).toBe(String(before + 1));
    expect(moved.metadata.uid).toBe(store.list('pods').items[0]?.metadata.uid);
    expect(store.list('pods', { indexed: { 'spec.nodeName': 'n1' } }).items).toEqual([]);
    expect(store.list('pods', { indexed: { 'spec.nodeName': 'n2' } }).items).toHaveLength(1);
    store.put('pods', pod('ns', 'b', 'n2'));
    store.delete('pods', 'ns', 'a');
    expect(store.list('pods', { indexed: { 'spec.nodeName': 'n2' } }).items.map((o) => o.metadata.name)).toEqual(['b']);
    expect(changes.map((c) => [c.type, c.object.metadata.name, c.revision])).toEqual([
      ['MODIFIED', 'a', before + 1],
      ['ADDED', 'b', before + 2],
      ['DELETED', 'a', before + 3],
    ]);
    unsubscribe();
    store.put('pods', pod('ns', 'c'));
    expect(changes).toHaveLength(3);
  });

  it('keys cluster-scoped objects by name alone', () => {
    const store = newStore();
    store.load('nodes', [{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } }]);
    expect(store.get('nodes', 'whatever', 'n1')?.metadata.name).toBe('n1');
    expect(store.list('nodes', { name: 'n1' }).items).toHaveLength(1);
  });

  it('serves a virtual set like stored objects: made on read, replaced by a write, gone after a delete', () => {
    const store = newStore();
    const made: number[] = [];
    const names = ['v-c', 'v-a', 'v-b'];
    store.loadVirtual('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      namespace: 'ns',
      size: names.length,
      exists: () => true,
      name: (i) => names[i] ?? '',
      make: (i) => {
        made.push(i);
        return {
          ...pod('ns', names[i] ?? '', `node-${i % 2}`),
          metadata: { name: names[i] ?? '', namespace: 'ns', uid: `u-${i}` },
        };
      },
      probe: (i) => pod('ns', names[i] ?? '', `node-${i % 2}`),
    });
    store.load('pods', [pod('ns', 'w', 'node-0'), pod('a', 'x')]);
    expect(made).toEqual([]);
    const changes: StoreChange[] = [];
    store.subscribe((c) => changes.push(c));
    const keys = (items: KubeObject[]): string[] => items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    expect(keys(store.list('pods').items)).toEqual(['a/x', 'ns/v-a', 'ns/v-b', 'ns/v-c', 'ns/w']);
    expect(keys(store.list('pods', { indexed: { 'spec.nodeName': 'node-0' } }).items)).toEqual([
      'ns/v-b',
      'ns/v-c',
      'ns/w',
    ]);
    // Filters read the probe; only what passes is made.
    made.length = 0;
    expect(keys(store.list('pods', { namespace: 'ns', filter: (o) => nodeOf(o) === 'node-1' }).items)).toEqual([
      'ns/v-a',
    ]);
    expect(made).toEqual([1]);
    expect(store.get('pods', 'ns', 'v-a')?.metadata).toMatchObject({ uid: 'u-1', resourceVersion: '2' });
    const page = store.list('pods', { namespace: 'ns', limit: 2, countRemaining: true });
    expect(page).toMatchObject({ lastKey: 'ns/v-b', remainingItemCount: 2 });

    const written = store.put('pods', {
      ...pod('ns', 'v-a', 'node-0'),
      metadata: { name: 'v-a', namespace: 'ns', labels: { edited: 'yes' } },
    });
    expect(written.metadata.uid).toBe('u-1');
    expect(changes.at(-1)).toMatchObject({ type: 'MODIFIED', previous: { metadata: { uid: 'u-1' } } });
    expect(store.get('pods', 'ns', 'v-a')?.metadata.labels).toEqual({ edited: 'yes' });
    expect(keys(store.list('pods', { indexed: { 'spec.nodeName': 'node-1' } }).items)).toEqual([]);

    expect(store.delete('pods', 'ns', 'v-c')?.metadata.uid).toBe('u-0');
    expect(store.get('pods', 'ns', 'v-c')).toBeUndefined();
    expect(keys(store.list('pods', { namespace: 'ns' }).items)).toEqual(['ns/v-a', 'ns/v-b', 'ns/w']);
    expect(changes.map((c) => c.type)).toEqual(['MODIFIED', 'DELETED']);
  });

  it('lists each key with its latest object, across namespaces and in one, after loads, writes and deletes', () => {
    // Lists take each key's object by its place in the sorted keys, not from the map by name: the two must agree.
    const store = newStore();
    store.loadVirtual('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      namespace: 'ns',
      size: 40,
      exists: (i) => i % 7 !== 3,
      name: (i) => `v-${i}`,
      make: (i) => ({ ...pod('ns', `v-${i}`), metadata: { name: `v-${i}`, namespace: 'ns', uid: `virtual-${i}` } }),
      probe: (i) => pod('ns', `v-${i}`),
    });
    store.load('pods', [pod('ns', 'v-5'), pod('other', 'a'), pod('ns', 'v-3')]);
    let seed = 7;
    const next = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let step = 0; step < 300; step++) {
      const ns = next(3) === 0 ? 'other' : 'ns';
      const name = `v-${next(45)}`;
      if (next(4) === 0) store.delete('pods', ns, name);
      else store.put('pods', { ...pod(ns, name), metadata: { name, namespace: ns, labels: { step: String(step) } } });
      if (step % 25 !== 0) continue;
      for (const query of [
        {},
        { namespace: 'ns' },
        { namespace: 'other' },
        { namespace: 'ns', limit: 5, startKey: 'ns/v-2' },
      ]) {
        for (const listed of store.list('pods', query).items) {
          const { namespace, name: n } = listed.metadata;
          expect(listed).toEqual(store.get('pods', namespace, n ?? ''));
        }
      }
    }
    const names = store.list('pods').items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    expect(names).toEqual([...names].sort());
    expect(names.length).toBe(store.count('pods'));
  });
});
