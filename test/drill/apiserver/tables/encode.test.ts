import { describe, expect, it } from 'vitest';
import { encodeTable, tableJson } from '../../../../src/drill/apiserver/tables/encode.js';
import type { Table } from '../../../../src/drill/apiserver/tables/table.js';

// tableJson writes rows of one like group from the group's text: whatever the rows hold, the
// bytes must be JSON.stringify's, or kubectl would print something else.

const labels = Object.freeze({ app: 'app-1', 'pod-template-hash': '5d8f9c7b6' });
const owners = Object.freeze([
  Object.freeze({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'app-1-5d8f9c7b6', uid: 'u-rs', controller: true }),
]);

let serial = 0;

function row(name: string, extra: Record<string, unknown> = {}, cells: unknown[] = []): Table['rows'][number] {
  serial++;
  return {
    cells: [name, '1/1', 'Running', '0', '6h', `10.64.0.${serial}`, 'worker-1', '<none>', '<none>', ...cells],
    object: {
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: {
        name,
        namespace: 'load',
        uid: `uid-${name}`,
        creationTimestamp: '2026-11-25T06:00:00Z',
        labels,
        ownerReferences: owners,
        resourceVersion: String(100 + serial),
        ...extra,
      },
    },
  };
}

function table(rows: Table['rows']): Table {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: '900', continue: 'abc' },
    columnDefinitions: [{ name: 'Name', type: 'string', format: 'name', description: 'the name', priority: 0 }],
    rows,
  };
}

describe('tableJson', () => {
  it('writes what JSON.stringify writes, whatever differs between rows of one like group', () => {
    const rows = [
      row('app-1-0-0'),
      row('app-1-0-1'),
      row('app-1-0-2'),
      // A name that needs escaping, a number where a string was, an extra key, keys in another order.
      row('app-1-"quoted"\\-\u0001-\u2028-\ud83d\ude00-\ud800'),
      row('app-1-0-4', {}, [7]),
      { ...row('app-1-0-5'), cells: [...row('app-1-0-5').cells.slice(0, 3), 3, ...row('app-1-0-5').cells.slice(4)] },
      row('app-1-0-6', { annotations: { a: 'b' } }),
      row('app-1-0-7', { deletionTimestamp: undefined }),
      (() => {
        const r = row('app-1-0-8');
        const m = (r.object as { metadata: Record<string, unknown> }).metadata;
        return { ...r, object: { ...(r.object as object), metadata: { uid: m.uid, ...m } } };
      })(),
      // Another owner list (equal, not the same object), other labels, conditions.
      row('app-1-0-9', { ownerReferences: [...owners] }),
      row('app-1-0-a', { labels: { app: 'other' } }),
      {
        ...row('app-1-0-b'),
        conditions: [{ type: 'Completed' as const, status: 'True' as const, reason: 'Succeeded', message: 'm' }],
      },
      row('app-1-0-c'),
      // Rows that are not of a like group, and one of another group.
      row('db-0'),
      row('app-2-0-0', { namespace: 'other' }),
      row('app-2-0-1', { namespace: 'other' }),
    ];
    const likes = rows.map((_, k) => (k === 13 ? undefined : k >= 14 ? 2 : 1));
    const t = table(rows);
    const text = tableJson(t, likes).join('');
    expect(text).toBe(JSON.stringify(t));
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(t)));
  });

  it('writes a long page in pieces that join to JSON.stringify, and a Table without likes whole', () => {
    const rows = Array.from({ length: 1234 }, (_, i) => row(`app-1-${i.toString(36)}-0`));
    const t = table(rows);
    const pieces = tableJson(
      t,
      rows.map(() => 1),
    );
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(JSON.stringify(t));
    expect(tableJson(t)).toEqual([JSON.stringify(t)]);
    expect(tableJson(table([]), []).join('')).toBe(JSON.stringify(table([])));
  });

  it("writes a member's row from its varying strings once the group's first two rows show where they go, and makes it otherwise", () => {
    // Members as a virtual set names them: name, uid, IP and resourceVersion tell each apart (ListResult.varying).
    const fieldsOf = (r: Table['rows'][number]): string[] => {
      const m = (r.object as { metadata: Record<string, string> }).metadata;
      return [m.name ?? '', m.uid ?? '', String(r.cells[5]), m.resourceVersion ?? ''];
    };
    const rows = Array.from({ length: 250 }, (_, i) => row(`app-1-${i.toString(36)}-0`));
    rows.splice(60, 0, row('db-0'));
    // A member whose name needs escaping is made and stringified, as any row.
    rows[120] = row('app-1-"x"-0');
    const likes = rows.map((_, k) => (k === 60 ? undefined : 1));
    const members = rows.map((_, k) => (k === 60 ? undefined : k));
    const made: number[] = [];
    const { rows: all, ...head } = table(rows);
    const text = encodeTable(
      head,
      all.length,
      (k) => {
        made.push(k);
        return all[k] as Table['rows'][number];
      },
      likes,
      {
        member: (k) => members[k],
        varying: (index, out) => {
          out.length = 0;
          out.push(...fieldsOf(all[index] as Table['rows'][number]));
        },
      },
    ).join('');
    expect(text).toBe(JSON.stringify(table(rows)));
    // The group's first two rows, the row of no group and the one that needs escaping.
    expect(made).toEqual([0, 1, 60, 120]);
  });

  it('makes every row when a varying slot holds none of the strings a member names', () => {
    const rows = Array.from({ length: 20 }, (_, i) => row(`app-1-${i.toString(36)}-0`));
    const made: number[] = [];
    const { rows: all, ...head } = table(rows);
    const text = encodeTable(
      head,
      all.length,
      (k) => {
        made.push(k);
        return all[k] as Table['rows'][number];
      },
      rows.map(() => 1),
      {
        member: (k) => k,
        // The IP is left out: the IP cell varies, and no member string says how.
        varying: (index, out) => {
          const m = (all[index]?.object as { metadata: Record<string, string> }).metadata;
          out.length = 0;
          out.push(m.name ?? '', m.uid ?? '', m.resourceVersion ?? '');
        },
      },
    ).join('');
    expect(text).toBe(JSON.stringify(table(rows)));
    expect(made).toHaveLength(20);
  });

  it('does not take a member string the first two rows share for fixed text: two pods of one app on one node', () => {
    // Rows 0 and 1 run on worker-1, row 2 on worker-2: the node is one of the member's strings, but the
    // first two rows do not show it varying, so it must not be written from the group's text.
    const rows = Array.from({ length: 6 }, (_, i) => {
      const r = row(`app-1-${i}-0`);
      r.cells[6] = i < 2 ? 'worker-1' : `worker-${i}`;
      return r;
    });
    const { rows: all, ...head } = table(rows);
    const text = encodeTable(
      head,
      all.length,
      (k) => all[k] as Table['rows'][number],
      rows.map(() => 1),
      {
        member: (k) => k,
        varying: (index, out) => {
          const r = all[index] as Table['rows'][number];
          const m = (r.object as { metadata: Record<string, string> }).metadata;
          out.length = 0;
          out.push(m.name ?? '', m.uid ?? '', String(r.cells[5]), String(r.cells[6]), m.resourceVersion ?? '');
        },
      },
    ).join('');
    expect(text).toBe(JSON.stringify(table(rows)));
  });
});
