import type { KubeObject } from '../../types.js';
import { asNumber, asObject, asString } from '../json.js';
import { column, nameColumn } from './columns.js';
import type { PrintedRow, TablePrinter } from './columns.js';
import { since } from '../../../kube/semantics/duration.js';

/** The core/v1 event printer of pkg/printers/internalversion/printers.go (printEvent). */
export const eventTable: TablePrinter = {
  columns: [
    column('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
    column('Type', 'Type of this event (Normal, Warning), new types could be added in the future'),
    column(
      'Reason',
      "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
    ),
    column('Object', 'The object that this event is about.'),
    column(
      'Subobject',
      'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].',
      { priority: 1 },
    ),
    column('Source', 'The component reporting this event. Should be a short machine understandable string.', {
      priority: 1,
    }),
    column('Message', 'A human-readable description of the status of this operation.'),
    column('First Seen', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', {
      priority: 1,
    }),
    column('Count', 'The number of times this event has occurred.', { priority: 1 }),
    { ...nameColumn, priority: 1 },
  ],
  row: printEvent,
};

function firstNonEmpty(...values: string[]): string {
  return values.find((v) => v !== '') ?? '';
}

function printEvent(event: KubeObject, now: Date): PrintedRow {
  const source = asObject(event.source);
  const involved = asObject(event.involvedObject);
  const series = event.series === undefined || event.series === null ? undefined : asObject(event.series);

  const firstSeen = asString(event.firstTimestamp) ? since(event.firstTimestamp, now) : since(event.eventTime, now);
  let lastSeen = asString(event.lastTimestamp) ? since(event.lastTimestamp, now) : firstSeen;
  let count = asNumber(event.count);
  if (series) {
    lastSeen = since(series.lastObservedTime, now);
    count = asNumber(series.count);
  } else if (count === 0) {
    // Singleton events of the new API carry no count.
    count = 1;
  }

  const kind = asString(involved.kind).toLowerCase();
  const name = asString(involved.name);
  const component = firstNonEmpty(asString(source.component), asString(event.reportingComponent));
  const instance = firstNonEmpty(asString(source.host), asString(event.reportingInstance));
  return {
    cells: [
      lastSeen,
      asString(event.type),
      asString(event.reason),
      name ? `${kind}/${name}` : kind,
      asString(involved.fieldPath),
      instance ? `${component}, ${instance}` : component,
      asString(event.message).trim(),
      firstSeen,
      count,
      event.metadata.name,
    ],
  };
}
