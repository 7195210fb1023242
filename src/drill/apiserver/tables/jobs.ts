import type { KubeObject } from '../../types.js';
import { asArray, asNumber, asObject, asString } from '../json.js';
import { ageColumn, column, nameColumn } from './columns.js';
import type { PrintedRow, TablePrinter } from './columns.js';
import { humanDuration, since } from '../../../kube/semantics/duration.js';
import { containerCells, formatLabelSelector } from './format.js';

/** printJob and printCronJob of pkg/printers/internalversion/printers.go, as kube-apiserver 1.31 has them. */

const containersColumn = column('Containers', 'Names of each container in the template.', { priority: 1 });
const imagesColumn = column('Images', 'Images referenced by each container in the template.', { priority: 1 });
// batchv1.JobSpec{}.SwaggerDoc()["selector"], which both printers use.
const selectorColumn = column(
  'Selector',
  'A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
  { priority: 1 },
);

/** hasJobCondition: the first condition of that type decides, and only a True one counts. */
function hasCondition(job: KubeObject, type: string): boolean {
  const found = asArray(asObject(job.status).conditions).find((c) => c.type === type);
  return found?.status === 'True';
}

/** 1.31's order: a finished job reads as finished even while being deleted. SuccessCriteriaMet came later (1.34). */
export function jobStatus(job: KubeObject): string {
  if (hasCondition(job, 'Complete')) return 'Complete';
  if (hasCondition(job, 'Failed')) return 'Failed';
  if (job.metadata.deletionTimestamp) return 'Terminating';
  if (hasCondition(job, 'Suspended')) return 'Suspended';
  if (hasCondition(job, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

/** `succeeded/completions`; a job without completions (a work queue) ends at one success, shown with its parallelism when above one. */
function completions(job: KubeObject): string {
  const spec = asObject(job.spec);
  const succeeded = asNumber(asObject(job.status).succeeded);
  if (typeof spec.completions === 'number') return `${succeeded}/${spec.completions}`;
  const parallelism = asNumber(spec.parallelism);
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** Empty until started; the time so far while running; start to completion once complete (a failed job has no completionTime, so it keeps counting). */
function jobDuration(job: KubeObject, now: Date): string {
  const status = asObject(job.status);
  if (typeof status.startTime !== 'string') return '';
  if (typeof status.completionTime !== 'string') return since(status.startTime, now);
  return humanDuration(Date.parse(status.completionTime) - Date.parse(status.startTime));
}

export const jobTable: TablePrinter = {
  columns: [
    nameColumn,
    column('Status', 'Status of the job.'),
    column(
      'Completions',
      'The number of pods which reached phase Succeeded. The value increases monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed jobs.',
    ),
    column('Duration', 'Time required to complete the job.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  row: (job: KubeObject, now: Date): PrintedRow => {
    const spec = asObject(job.spec);
    const [names, images] = containerCells(asObject(asObject(spec.template).spec));
    return {
      cells: [
        job.metadata.name,
        jobStatus(job),
        completions(job),
        jobDuration(job, now),
        since(job.metadata.creationTimestamp, now),
        names,
        images,
        formatLabelSelector(spec.selector),
      ],
    };
  },
};

export const cronJobTable: TablePrinter = {
  columns: [
    nameColumn,
    column('Schedule', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
    column(
      'Timezone',
      'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to the time zone of the kube-controller-manager process. The set of valid time zone names and the time zone offset is loaded from the system-wide time zone database by the API server during CronJob validation and the controller manager during execution. If no system-wide time zone database can be found a bundled version of the database is used instead. If the time zone name becomes invalid during the lifetime of a CronJob or due to a change in host configuration, the controller will stop creating new new Jobs and will create a system event with the reason UnknownTimeZone. More information can be found in https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones',
    ),
    column(
      'Suspend',
      'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false.',
      { type: 'boolean' },
    ),
    column('Active', 'A list of pointers to currently running jobs.', { type: 'integer' }),
    column('Last Schedule', 'Information when was the last time the job was successfully scheduled.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  row: (cj: KubeObject, now: Date): PrintedRow => {
    const spec = asObject(cj.spec);
    const status = asObject(cj.status);
    const jobSpec = asObject(asObject(spec.jobTemplate).spec);
    const [names, images] = containerCells(asObject(asObject(jobSpec.template).spec));
    const lastSchedule =
      status.lastScheduleTime === undefined || status.lastScheduleTime === null
        ? '<none>'
        : since(status.lastScheduleTime, now);
    return {
      cells: [
        cj.metadata.name,
        asString(spec.schedule),
        typeof spec.timeZone === 'string' ? spec.timeZone : '<none>',
        // printBoolPtr; the apiserver defaults an unset suspend to false, so a stored CronJob never shows <unset>.
        spec.suspend === true ? 'True' : 'False',
        asArray(status.active).length,
        lastSchedule,
        since(cj.metadata.creationTimestamp, now),
        names,
        images,
        formatLabelSelector(jobSpec.selector),
      ],
    };
  },
};
