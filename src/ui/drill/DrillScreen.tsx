import { useCallback, useEffect, useRef, useState } from 'react';
import type React from 'react';
import { Box, Static, Text, useInput, useWindowSize } from 'ink';
import type { Layer } from '../../checks/types.js';
import type { Session } from '../../engine/session.js';
import type { FreeChoice } from '../../training/free.js';
import type { DiagnosisChoice, DrillOutcome, DrillTracker } from '../../training/tracker.js';
import { ActionStep } from '../ActionStep.js';
import { Briefing } from '../Briefing.js';
import { CurrentStep } from '../CurrentStep.js';
import { FinishedStep } from '../FinishedStep.js';
import { HintLine } from '../Footer.js';
import { Header } from '../Header.js';
import type { KeyCommand } from '../keys.js';
import { LayerRail } from '../LayerRail.js';
import { eachKeyPress } from '../list/keyPresses.js';
import { SelectList } from '../list/SelectList.js';
import { moveSelection } from '../list/selection.js';
import { useListSelection } from '../list/useListSelection.js';
import { useTone } from '../ThemeProvider.js';
import { useLineEditor } from '../useLineEditor.js';
import { useSessionEvents } from '../useSessionEvents.js';
import { Clip } from '../walk/Clip.js';
import { HelpOverlay } from '../walk/HelpOverlay.js';
import { Pager } from '../walk/Pager.js';
import { stepDoc } from '../walk/pagerLines.js';
import { historyItems } from '../walk/StepHistory.js';
import type { PagerTarget } from '../walk/useBrowse.js';
import { useBrowse } from '../walk/useBrowse.js';
import type { StepView } from '../walkReducer.js';
import type { WalkSession } from '../walkSession.js';
import { isFinished, splitSteps } from '../walkReducer.js';
import { frameRows, historyOf } from '../WalkScreen.js';
import { Debrief } from './Debrief.js';
import { DiagnosisPicker, filterDiagnoses, lastFindingLine } from './DiagnosisPicker.js';
import type { DrillCommand, DrillKeyContext } from './drillKeys.js';
import { drillCommandFor, drillHints } from './drillKeys.js';
import { drillScreenState } from './drillScreenState.js';
import { FreeChooser, keyedChecks } from './FreeChooser.js';
import { Hints } from './Hints.js';
import { Predict, PredictionVerdict } from './Predict.js';

/** What the drill screen drives: the engine's session, in step mode. */
export type DrillSession = WalkSession & Pick<Session, 'confirmAction' | 'declineAction'>;

export interface DrillScreenProps {
  session: DrillSession;
  tracker: DrillTracker;
  /** `target` is what the header says the drill is: its page, never the scenario id (which names the cause). */
  header: { runbookTitle: string; target: string; page: string; kubeconfigPath: string | null; transcriptPath: string };
  startedAt: Date;
  /** Free mode: the trainee picks the checks; absent, the drill is guided. */
  free?: FreeControls;
  /** The drill ended with a debrief (a right pick, or giving up); the CLI saves the history line. */
  onFinished?: (outcome: DrillOutcome) => void;
  onExit: () => void;
}

export interface FreeControls {
  choices: () => { layer: Layer; steps: FreeChoice[] }[];
  run: (step: string) => void;
  declare: () => void;
}

const browseTypes = new Set<DrillCommand['type']>(['open', 'move', 'back', 'help']);

/** A guided drill: predict each check's outcome before it runs, take hints, name the root cause, read the debrief. */
export function DrillScreen({
  session,
  tracker,
  header,
  startedAt,
  free,
  onFinished,
  onExit,
}: DrillScreenProps): React.JSX.Element {
  const state = useSessionEvents(session);
  useStartOnce(session, tracker);
  const { columns, rows } = useWindowSize();
  const frame = frameRows(rows);
  const body = Math.max(3, frame - 4);
  // What is left for the free-mode list once the header, the last result and the footer are drawn.
  const freeRows = Math.max(4, rows - 18);
  // The tracker is not React state: bump a counter to redraw after calling it.
  const [, setVersion] = useState(0);
  const redraw = () => setVersion((v) => v + 1);
  const [wrong, setWrong] = useState<DiagnosisChoice[]>([]);
  const [layerIndex, setLayerIndex] = useState(0);
  const [outcome, setOutcome] = useState<DrillOutcome | undefined>(tracker.finished);

  const exited = useRef(false);
  const exit = useCallback(() => {
    if (exited.current) return;
    exited.current = true;
    onExit();
  }, [onExit]);

  const { latest, active } = splitSteps(state);
  const history = historyOf(state);
  const browse = useBrowse(history, Math.max(1, Math.floor(rows / 3)));
  const predicted = active ? tracker.predictionFor(active.step) : undefined;
  const freeLayers = free?.choices() ?? [];
  const layerSteps = freeLayers[layerIndex]?.steps ?? [];
  const freeSteps = keyedChecks(layerSteps);
  const freeSelection = useListSelection({ count: layerSteps.length, page: freeRows, initial: 0 });
  const needsPrediction =
    !free && active?.kind === 'check' && active.status === 'waiting' && !(predicted && predicted.actual === null);
  const choices = active && needsPrediction ? tracker.choicesFor(active.step) : [];
  const diagnoses = tracker.diagnoses();
  const screen = drillScreenState({
    debriefed: !!outcome,
    ended: state.end?.reason ?? null,
    free: !!free,
    active: active
      ? {
          kind: active.kind,
          status: active.status,
          awaitingDecision: !!(active.action?.allowed && !active.action.decision),
        }
      : null,
    needsPrediction,
  });

  // The root cause is typed into the shared line editor; ↑/↓ choose among the matches, none chosen at first.
  const picker = useListSelection({ count: diagnoses.length, page: 5, initial: null });
  const queryRef = useRef('');
  const pickEditor = useLineEditor({
    isActive: screen === 'pick',
    onSubmit: () => pick(),
    onCancel: () => {
      if (queryRef.current) {
        queryRef.current = '';
        picker.select(null);
      } else finish(tracker.giveUp());
    },
  });
  const query = pickEditor.text;
  useEffect(() => {
    // What was typed narrows the list: its first match is selected, an empty query selects nothing.
    if (queryRef.current === query) return;
    queryRef.current = query;
    picker.select(query ? 0 : null);
  }, [query, picker]);
  const matches = filterDiagnoses(diagnoses, query);

  const finish = (o: DrillOutcome) => {
    setOutcome(o);
    onFinished?.(o);
  };
  const pick = () => {
    const shown = filterDiagnoses(diagnoses, queryRef.current);
    const choice = shown[picker.current(shown.length) ?? -1];
    if (!choice) return;
    const result = tracker.pick(choice.id);
    if (result.outcome) finish(result.outcome);
    else {
      setWrong((w) => [...w, choice]);
      pickEditor.clear();
      queryRef.current = '';
      picker.select(null);
    }
  };

  const latestFinished = state.steps.filter(isFinished).at(-1);
  const fallback: PagerTarget | null = latestFinished
    ? { kind: 'step', index: state.steps.lastIndexOf(latestFinished) }
    : null;
  const doc = (t: PagerTarget) =>
    t.kind === 'step' && state.steps[t.index] ? stepDoc(state.steps[t.index]!, columns) : null;
  const contextNow = (): DrillKeyContext => ({
    state: screen,
    choices:
      screen === 'ask'
        ? (active?.question?.choices.length ?? 0)
        : screen === 'choose'
          ? freeSteps.length
          : choices.length,
    hintsLeft: tracker.hintsLeft,
    view: browse.viewNow(),
    history: history.length,
    selected: browse.selectedNow(),
    openable: fallback !== null,
  });
  const keyContext = contextNow();

  const run = (command: DrillCommand) => {
    if (browseTypes.has(command.type) && browse.handle(command as KeyCommand, { fallback, doc, pagerRows: body }))
      return;
    switch (command.type) {
      case 'predict': {
        const choice = choices[command.index];
        if (!active || !choice) return;
        tracker.predict(active.step, choice);
        redraw();
        session.proceed();
        return;
      }
      case 'choose': {
        const choice = freeSteps[command.index];
        if (choice) free?.run(choice.step);
        return;
      }
      case 'layer':
        setLayerIndex((i) => Math.min(freeLayers.length - 1, Math.max(0, i + command.delta)));
        freeSelection.select(0);
        return;
      case 'select':
        freeSelection.select(moveSelection(freeSelection.current(), command.move, layerSteps.length, freeRows));
        return;
      case 'run-selected': {
        const choice = layerSteps[freeSelection.current() ?? -1];
        if (choice) free?.run(choice.step);
        return;
      }
      case 'declare':
        free?.declare();
        return;
      case 'answer': {
        const choice = active?.question?.choices[command.index];
        if (choice) session.answer(choice.id);
        return;
      }
      case 'hint':
        if (tracker.hint() !== undefined) redraw();
        return;
      case 'confirm-action':
        session.confirmAction();
        return;
      case 'decline-action':
        session.declineAction();
        return;
      case 'quit':
        session.stop('quit');
        exit();
        return;
      case 'interrupt':
        session.stop('interrupted');
        exit();
        return;
      case 'close':
        exit();
        return;
      default:
        return;
    }
  };

  useInput((input, key) => {
    if (key.ctrl && input === 'c') {
      run({ type: 'interrupt' });
      return;
    }
    // The picker: text goes to its editor; the arrows choose here, in the order they came (↓⏎ in one write picks what ↓ reached).
    if (screen === 'pick') {
      eachKeyPress(input, key, (i, k) => {
        if (k.upArrow || k.downArrow || k.pageUp || k.pageDown)
          picker.press(i, k, { letters: false, count: filterDiagnoses(diagnoses, queryRef.current).length });
      });
      return;
    }
    eachKeyPress(input, key, (i, k) => {
      if (exited.current) return;
      const command = drillCommandFor(i, k, contextNow());
      if (command) run(command);
    });
  });

  const lastCheck = state.steps.findLast((s) => s.kind === 'check' && s.result && !s.result.notApplicable);
  const lastFinding = lastCheck ? lastFindingLine(lastCheck) : null;
  const settled = state.steps.filter(
    (s, i) => isFinished(s) && (!!state.end || i !== state.steps.lastIndexOf(latest as StepView)),
  );
  const verdictOf = (step: StepView) => {
    const p = step.kind === 'check' ? tracker.predictionFor(step.step) : undefined;
    // Under the step's own lines ($ command, → outcome), which sit two columns in.
    return p ? (
      <Box paddingLeft={2}>
        <PredictionVerdict prediction={p} />
      </Box>
    ) : null;
  };
  const historyRows = Math.min(
    browse.shown.length,
    browse.list.selected !== null ? Math.floor(body / 2) : Math.min(6, Math.max(1, Math.floor(body / 4))),
  );
  const hints = drillHints(keyContext).map((h) => (h.keys === '?' || h.keys === 'q' ? { ...h, pinned: true } : h));

  return (
    <>
      {/* Finished steps and how each prediction fared: the scrollback's record, never a frame. */}
      <Static items={settled.map((step) => ({ step, index: state.steps.indexOf(step) }))}>
        {(item) => (
          <Box key={`${item.index}:${item.step.step}`} flexDirection="column">
            <FinishedStep step={item.step} />
            {verdictOf(item.step)}
          </Box>
        )}
      </Static>
      <Box flexDirection="column" width={columns} height={frame} overflow="hidden">
        <Header
          runbookTitle={header.runbookTitle}
          target={header.target}
          mode="drill"
          startedAt={startedAt}
          running={!state.end && !outcome}
          auto={false}
          modeLabel={free ? 'free drill' : 'guided drill'}
        />
        <LayerRail current={state.currentLayer} verdicts={state.layers} />
        {browse.view === 'pager' && browse.target && doc(browse.target) ? (
          <Pager doc={doc(browse.target)!} offset={browse.offset} rows={body} />
        ) : browse.view === 'help' ? (
          <HelpOverlay hints={drillHints({ ...keyContext, view: 'main' })} rows={body} />
        ) : outcome ? (
          <DebriefView rows={body} width={columns} outcome={outcome} transcriptPath={header.transcriptPath} />
        ) : screen === 'pick' ? (
          <Box height={body} flexShrink={0} flexDirection="column" overflow="hidden">
            <DiagnosisPicker
              choices={diagnoses}
              query={query}
              selected={picker.selected !== null && picker.selected < matches.length ? picker.selected : null}
              wrong={wrong}
              height={body}
              catalogError={tracker.catalogError()}
              lastFinding={lastFinding}
              width={columns}
            />
          </Box>
        ) : (
          <Box flexDirection="column" height={body} flexShrink={0}>
            {historyRows > 0 ? (
              <SelectList
                items={historyItems(browse.shown)}
                selected={browse.list.selected}
                rows={historyRows}
                follow="end"
              />
            ) : null}
            <Clip rows={Math.max(1, body - historyRows)} keep="bottom">
              {state.end ? (
                <Text>
                  drill ended ({state.end.reason}); transcript: {header.transcriptPath}
                </Text>
              ) : null}
              {!state.end && history.length === 0 && !latest ? (
                <Briefing
                  page={header.page}
                  kubeconfigPath={header.kubeconfigPath}
                  auto={false}
                  width={columns}
                  how={
                    free
                      ? 'Free drill: pick the checks yourself, layer by layer; d when you know the root cause. h shows a hint (−50 each); e reads a finished check in full; ? lists every key.'
                      : 'Guided drill: before each check runs, predict what it will find. h shows a hint (−50 each); e reads a finished check in full; ? lists every key. At the end, name the root cause.'
                  }
                />
              ) : null}
              {!state.end && latest ? (
                <Box flexDirection="column">
                  {latest.kind === 'action' ? (
                    <ActionStep step={latest} width={columns} />
                  ) : (
                    <CurrentStep step={latest} expanded={false} awaitingContinue={false} width={columns} />
                  )}
                  {verdictOf(latest)}
                </Box>
              ) : null}
              {!state.end && active ? (
                <Box marginTop={latest ? 1 : 0} flexDirection="column">
                  {active.kind === 'action' ? (
                    <ActionStep step={active} width={columns} />
                  ) : (
                    <CurrentStep step={active} expanded={false} awaitingContinue={false} width={columns} />
                  )}
                  {needsPrediction ? (
                    <Predict check={tracker.checkFor(active.step) ?? active.title} choices={choices} />
                  ) : (
                    verdictOf(active)
                  )}
                </Box>
              ) : null}
              {screen === 'choose' ? (
                <Box marginTop={latest ? 1 : 0}>
                  <FreeChooser
                    layers={freeLayers}
                    current={layerIndex}
                    ran={new Set(state.steps.map((st) => st.step))}
                    selected={freeSelection.selected}
                    rows={freeRows}
                  />
                </Box>
              ) : null}
              {!state.end && !latest && !active && !free ? <Text>Starting…</Text> : null}
              <Box marginTop={tracker.hintsUsed.length > 0 ? 1 : 0}>
                <Hints hints={tracker.hintsUsed} total={tracker.hintsUsed.length + tracker.hintsLeft} />
              </Box>
            </Clip>
          </Box>
        )}
        <HintLine hints={hints} />
      </Box>
    </>
  );
}

/** The debrief from its top (the verdict and score first), and where the rest is when it does not fit. */
function DebriefView({
  rows,
  width,
  outcome,
  transcriptPath,
}: {
  rows: number;
  width: number;
  outcome: DrillOutcome;
  transcriptPath: string;
}): React.JSX.Element {
  const tone = useTone();
  const [cut, setCut] = useState(0);
  return (
    <Box flexDirection="column" height={rows} flexShrink={0}>
      <Clip rows={cut > 0 ? rows - 1 : rows} keep="top" onOverflow={(n) => n !== cut && setCut(n)}>
        <Debrief debrief={outcome.debrief} width={width} />
      </Clip>
      {cut > 0 ? (
        <Text {...tone('muted')} wrap="truncate-end">
          … {cut} more line{cut === 1 ? '' : 's'}: plumbline report {transcriptPath}
        </Text>
      ) : null}
    </Box>
  );
}

/** Starts the drill clock and the session once, after useSessionEvents subscribed. */
function useStartOnce(session: DrillSession, tracker: DrillTracker): void {
  const started = useRef<DrillSession | null>(null);
  useEffect(() => {
    if (started.current === session) return;
    started.current = session;
    tracker.begin();
    session.start();
  }, [session, tracker]);
}
