import type { KubeObject } from '../../types.js';
import { asNumber, asObject } from '../json.js';
import { ageColumn, column, nameColumn } from './columns.js';
import type { PrintedRow, TablePrinter } from './columns.js';
import { since } from '../../../kube/semantics/duration.js';
import {
  containerCells,
  formatLabels,
  formatLabelSelector,
  intOr,
  labelSelectorString,
  templateSpec,
} from './format.js';

/** Deployment, ReplicaSet, StatefulSet and DaemonSet printers of pkg/printers/internalversion/printers.go. */

const containersColumn = column('Containers', 'Names of each container in the template.', { priority: 1 });
const imagesColumn = column('Images', 'Images referenced by each container in the template.', { priority: 1 });
const selectorColumn = column('Selector', 'A label query over pods that should match the replica count.', {
  priority: 1,
});

function age(obj: KubeObject, now: Date): string {
  return since(obj.metadata.creationTimestamp, now);
}

export const deploymentTable: TablePrinter = {
  columns: [
    nameColumn,
    column('Ready', 'Number of the pod with ready state'),
    column(
      'Up-to-date',
      'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
    ),
    column(
      'Available',
      'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
    ),
    ageColumn,
    containersColumn,
    imagesColumn,
    {
      ...selectorColumn,
      description:
        'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.',
    },
  ],
  row: (d: KubeObject, now: Date): PrintedRow => {
    const spec = asObject(d.spec);
    const status = asObject(d.status);
    const [names, images] = containerCells(templateSpec(d));
    return {
      cells: [
        d.metadata.name,
        `${asNumber(status.readyReplicas)}/${intOr(spec.replicas, 1)}`,
        asNumber(status.updatedReplicas),
        asNumber(status.availableReplicas),
        age(d, now),
        names,
        images,
        labelSelectorString(spec.selector),
      ],
    };
  },
};

export const replicaSetTable: TablePrinter = {
  columns: [
    nameColumn,
    column('Desired', 'Replicas is the number of desired replicas.', { type: 'integer' }),
    column('Current', 'Replicas is the most recently observed number of replicas.', { type: 'integer' }),
    column('Ready', 'The number of ready replicas for this replica set.', { type: 'integer' }),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  row: (rs: KubeObject, now: Date): PrintedRow => {
    const spec = asObject(rs.spec);
    const status = asObject(rs.status);
    const [names, images] = containerCells(templateSpec(rs));
    return {
      cells: [
        rs.metadata.name,
        intOr(spec.replicas, 1),
        asNumber(status.replicas),
        asNumber(status.readyReplicas),
        age(rs, now),
        names,
        images,
        formatLabelSelector(spec.selector),
      ],
    };
  },
};

export const statefulSetTable: TablePrinter = {
  columns: [
    nameColumn,
    column('Ready', 'Number of the pod with ready state'),
    ageColumn,
    containersColumn,
    imagesColumn,
  ],
  row: (sts: KubeObject, now: Date): PrintedRow => {
    const [names, images] = containerCells(templateSpec(sts));
    return {
      cells: [
        sts.metadata.name,
        `${asNumber(asObject(sts.status).readyReplicas)}/${intOr(asObject(sts.spec).replicas, 1)}`,
        age(sts, now),
        names,
        images,
      ],
    };
  },
};

export const daemonSetTable: TablePrinter = {
  columns: [
    nameColumn,
    column(
      'Desired',
      'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).',
      { type: 'integer' },
    ),
    column(
      'Current',
      'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.',
      { type: 'integer' },
    ),
    column(
      'Ready',
      'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.',
      { type: 'integer' },
    ),
    column('Up-to-date', 'The total number of nodes that are running updated daemon pod', { type: 'integer' }),
    column(
      'Available',
      'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)',
      { type: 'integer' },
    ),
    column('Node Selector', 'NodeSelector is a selector which must be true for the pod to fit on a node.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    { ...selectorColumn, description: 'A label query over pods that are managed by the daemon set.' },
  ],
  row: (ds: KubeObject, now: Date): PrintedRow => {
    const status = asObject(ds.status);
    const [names, images] = containerCells(templateSpec(ds));
    return {
      cells: [
        ds.metadata.name,
        asNumber(status.desiredNumberScheduled),
        asNumber(status.currentNumberScheduled),
        asNumber(status.numberReady),
        asNumber(status.updatedNumberScheduled),
        asNumber(status.numberAvailable),
        formatLabels(templateSpec(ds).nodeSelector),
        age(ds, now),
        names,
        images,
        formatLabelSelector(asObject(ds.spec).selector),
      ],
    };
  },
};
