/**
 * The attach/detach controller's Multi-Attach lines, as the pod's event and as
 * kube-controller-manager logs them, in every release's wording:
 *   event (all):        Multi-Attach error for volume "pvc-x" Volume is already exclusively attached to one node and can't be attached to another
 *   event (1.10+):      Multi-Attach error for volume "pvc-x" Volume is already used by pod(s) web-0, web-1
 *   log (1.7-1.9):      W0105 10:24:00.334518 1 reconciler.go:267] Multi-Attach error for volume "pvc-x" (UniqueName: "...") from node "node-b" Volume is already exclusively attached to one node and can't be attached to another
 *   log (1.10+):        W0811 04:01:25.024422 1 reconciler.go:328] Multi-Attach error for volume "pvc-x" (UniqueName: "...") from node "node-b" Volume is already exclusively attached to node node-a and can't be attached to another
 *                       ... Volume is already used by pods ns/web-0 on node node-a
 *   event lines in the log: Event(v1.ObjectReference{Kind:"Pod", Namespace:"ns", Name:"web-1", ...}): type: 'Warning' reason: 'FailedAttachVolume' Multi-Attach error ...
 *   structured (1.21+): "Event occurred" object="ns/web-1" fieldPath="" kind="Pod" ... reason="FailedAttachVolume" message="Multi-Attach error for volume \"pvc-x\" ..."
 * "from node" is the node the volume should attach to (the new pod's); "attached to node" / "on node" is the node holding it.
 */
export interface MultiAttachLine {
  volume: string;
  /** The node that holds the volume, when the line names it. */
  holder?: string;
  /** The node the volume should be attached to (the waiting pod's). */
  requester?: string;
  /** Pods (name, or namespace/name) that still use the volume. */
  usedBy?: string[];
  /** The pod the event was about (namespace/name), when the line is an event. */
  pod?: string;
  line: string;
}

export function parseMultiAttachLine(raw: string): MultiAttachLine | undefined {
  // Structured logs escape the event message's quotes.
  const line = raw.replace(/\\"/g, '"');
  const m = /Multi-Attach error for volume "([^"]+)"(.*)$/.exec(line);
  if (!m) return undefined;
  const rest = m[2] ?? '';
  const out: MultiAttachLine = { volume: m[1] ?? '', line: raw };
  const requester = /from node "([^"]+)"/.exec(rest)?.[1];
  if (requester) out.requester = requester;
  const holder =
    /exclusively attached to node (\S+?) and can't/.exec(rest)?.[1] ??
    /used by pods? .*? on node (\S+?)["\s]*$/.exec(rest)?.[1];
  if (holder) out.holder = holder.replace(/,$/, '');
  const used = /already used by pod\(?s?\)? (.+?)(?: on node \S+)?["\s]*$/.exec(rest)?.[1];
  if (used && !/^\d+ pod\(s\) in different namespaces/.test(used))
    out.usedBy = used
      .split(/,\s*|\s+and\s+\d+ pod\(s\).*$/)
      .map((s) => s.trim())
      .filter(Boolean);
  const podRef =
    /ObjectReference\{Kind:"Pod", Namespace:"([^"]+)", Name:"([^"]+)"/.exec(line) ??
    /object="([^"/]+)\/([^"]+)"[^\n]*kind="Pod"/.exec(line);
  if (podRef) out.pod = `${podRef[1]}/${podRef[2]}`;
  return out;
}

/** Every Multi-Attach line of a log about one of these volumes (by PV name or a unique name containing it). */
export function multiAttachLines(log: string, volumes: ReadonlySet<string>): MultiAttachLine[] {
  const out: MultiAttachLine[] = [];
  for (const raw of log.split('\n')) {
    if (!raw.includes('Multi-Attach error')) continue;
    const parsed = parseMultiAttachLine(raw);
    if (parsed && [...volumes].some((v) => parsed.volume === v || raw.includes(v))) out.push(parsed);
  }
  return out;
}
