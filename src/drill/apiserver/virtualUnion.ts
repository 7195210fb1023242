import type { KubeObject, VirtualObjects } from '../types.js';

/** A set a Table can print from its members' varying strings. */
type Printable = VirtualObjects & Required<Pick<VirtualObjects, 'shallow' | 'likeOf' | 'varying'>>;

function isPrintable(s: VirtualObjects): s is Printable {
  return typeof s.shallow === 'function' && typeof s.likeOf === 'function' && typeof s.varying === 'function';
}

/**
 * Several virtual sets of one resource served from one bucket (a bucket holds
 * one set): kube-proxy's pods in kube-system beside the filler workload's.
 * Member i is member i - start of the set whose range holds it. What a Table
 * needs to print members from their varying strings (shallow, likeOf,
 * varying) is offered only when every set offers it.
 */
export class VirtualUnion implements VirtualObjects {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly size: number;
  readonly plainVarying: boolean;
  /** Where each set's members start. */
  private readonly starts: number[] = [];
  readonly shallow?: (index: number) => { object: KubeObject; like: number };
  readonly likeOf?: (index: number) => number;
  readonly varying?: (index: number, out: string[]) => void;

  constructor(private readonly sets: readonly VirtualObjects[]) {
    const first = sets[0];
    if (!first) throw new Error('VirtualUnion: no sets');
    this.apiVersion = first.apiVersion;
    this.kind = first.kind;
    this.namespace = first.namespace;
    let size = 0;
    for (const s of sets) {
      this.starts.push(size);
      size += s.size;
    }
    this.size = size;
    this.plainVarying = sets.every((s) => s.plainVarying === true);
    if (sets.every(isPrintable)) {
      const printable = sets;
      this.shallow = (i) => {
        const k = this.setOf(i);
        const start = this.starts[k] as number;
        const made = (printable[k] as Printable).shallow(i - start);
        return { object: made.object, like: made.like + start };
      };
      this.likeOf = (i) => {
        const k = this.setOf(i);
        const start = this.starts[k] as number;
        return (printable[k] as Printable).likeOf(i - start) + start;
      };
      this.varying = (i, out) => {
        const k = this.setOf(i);
        (printable[k] as Printable).varying(i - (this.starts[k] as number), out);
      };
    }
  }

  /** Which set holds member i (a Table asks once per row: no tuple made). */
  private setOf(i: number): number {
    let k = this.sets.length - 1;
    while (k > 0 && (this.starts[k] as number) > i) k--;
    return k;
  }

  /** The set holding member i, and i's index in it. */
  private at(i: number): [VirtualObjects, number] {
    const k = this.setOf(i);
    return [this.sets[k] as VirtualObjects, i - (this.starts[k] as number)];
  }

  namespaceOf(i: number): string {
    const [s, at] = this.at(i);
    return s.namespaceOf?.(at) ?? s.namespace;
  }

  exists(i: number): boolean {
    if (i < 0 || i >= this.size) return false;
    const [s, at] = this.at(i);
    return s.exists(at);
  }

  name(i: number): string {
    const [s, at] = this.at(i);
    return s.name(at);
  }

  make(i: number): KubeObject {
    const [s, at] = this.at(i);
    return s.make(at);
  }

  probe(i: number): KubeObject {
    const [s, at] = this.at(i);
    return s.probe(at);
  }

  indexValue(field: string, i: number): string | undefined {
    const [s, at] = this.at(i);
    return s.indexValue?.(field, at);
  }
}
