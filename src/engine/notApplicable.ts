/** The errorKind of a check that had nothing to look at (it needs a fact an earlier check found absent, as a Pending pod's node). */
export const notApplicableKind = 'not-applicable';

/** Such a result is shown as "not applicable", never as an error or a blind spot. */
export function notApplicable(facts: Readonly<Record<string, unknown>>): boolean {
  return facts.errorKind === notApplicableKind;
}
