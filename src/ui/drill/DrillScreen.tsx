import { useCallback, useEffect, useRef, useState } from 'react';
import type React from 'react';
import { Box, Static, Text, useInput, useWindowSize } from 'ink';
import type { Layer } from '../../checks/types.js';
import type { Session } from '../../engine/session.js';
import type { FreeChoice } from '../../training/free.js';
import type { DrillOutcome, DrillTracker } from '../../training/tracker.js';
import type { DiagnosisChoice } from '../../training/tracker.js';
import { ActionStep } from '../ActionStep.js';
import { Briefing } from '../Briefing.js';
import { CurrentStep } from '../CurrentStep.js';
import { FinishedStep } from '../FinishedStep.js';
import { Header } from '../Header.js';
import { LayerRail } from '../LayerRail.js';
import { useTone } from '../ThemeProvider.js';
import { useSessionEvents } from '../useSessionEvents.js';
import type { StepView } from '../walkReducer.js';
import type { WalkSession } from '../walkSession.js';
import { splitSteps } from '../walkReducer.js';
import { Debrief } from './Debrief.js';
import { DiagnosisPicker, filterDiagnoses } from './DiagnosisPicker.js';
import type { DrillKeyContext, DrillScreenState } from './drillKeys.js';
import { drillCommandFor, drillHints } from './drillKeys.js';
import { FreeChooser, freePage } from './FreeChooser.js';
import { Hints } from './Hints.js';
import { Predict, PredictionVerdict } from './Predict.js';

/** What the drill screen drives: the engine's session, in step mode. */
export type DrillSession = WalkSession & Pick<Session, 'confirmAction' | 'declineAction'>;

export interface DrillScreenProps {
  session: DrillSession;
  tracker: DrillTracker;
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

type ScrollItem = { kind: 'briefing' } | { kind: 'step'; step: StepView; index: number };

/** A guided drill: predict each check's outcome before it runs, take hints, name the root cause, read the debrief. */
export function DrillScreen({ session, tracker, header, startedAt, free, onFinished, onExit }: DrillScreenProps): React.JSX.Element {
  const state = useSessionEvents(session);
  useStartOnce(session, tracker);
  const tone = useTone();
  const { columns, rows } = useWindowSize();
  // What is left for the free-mode list once the header, the last result and the footer are drawn.
  const freeRows = Math.max(4, rows - 18);
  const [freeOffset, setFreeOffset] = useState(0);
  // The tracker is not React state: bump a counter to redraw after calling it.
  const [, setVersion] = useState(0);
  const redraw = () => setVersion((v) => v + 1);
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState(0);
  const [wrong, setWrong] = useState<DiagnosisChoice[]>([]);
  const [layerIndex, setLayerIndex] = useState(0);
  const [outcome, setOutcome] = useState<DrillOutcome | undefined>(tracker.finished);

  const exited = useRef(false);
  const exit = useCallback(() => {
    if (exited.current) return;
    exited.current = true;
    onExit();
  }, [onExit]);

  const { settled, latest, active } = splitSteps(state);
  const predicted = active ? tracker.predictionFor(active.step) : undefined;
  const freeLayers = free?.choices() ?? [];
  const layerSteps = freeLayers[layerIndex]?.steps ?? [];
  const freeSteps = freePage(layerSteps, freeOffset, freeRows);
  const needsPrediction = !free && active?.kind === 'check' && active.status === 'waiting' && !(predicted && predicted.actual === null);
  const choices = active && needsPrediction ? tracker.choicesFor(active.step) : [];
  const diagnoses = tracker.diagnoses();
  const screen: DrillScreenState = outcome
    ? 'debrief'
    : state.end
      ? state.end.reason === 'finished'
        ? 'pick'
        : 'done'
      : free && !active
        ? 'choose'
        : needsPrediction
        ? 'predict'
        : active?.status === 'asking'
          ? 'ask'
          : active?.kind === 'action' && active.action?.allowed && !active.action.decision
            ? 'action'
            : 'running';
  const keyContext: DrillKeyContext = { state: screen, choices: screen === 'ask' ? (active?.question?.choices.length ?? 0) : screen === 'choose' ? freeSteps.length : choices.length, hintsLeft: tracker.hintsLeft };

  const finish = (o: DrillOutcome) => {
    setOutcome(o);
    onFinished?.(o);
  };

  useInput((input, key) => {
    if (screen === 'pick' && !(key.ctrl && input === 'c')) {
      const shown = filterDiagnoses(diagnoses, query);
      if (key.upArrow) setSelected((s) => Math.max(0, s - 1));
      else if (key.downArrow) setSelected((s) => Math.min(shown.length - 1, s + 1));
      else if (key.return) {
        const choice = shown[selected];
        if (!choice) return;
        const result = tracker.pick(choice.id);
        if (result.outcome) finish(result.outcome);
        else {
          setWrong((w) => [...w, choice]);
          setQuery('');
          setSelected(0);
        }
      } else if (key.escape) {
        if (query) {
          setQuery('');
          setSelected(0);
        } else finish(tracker.giveUp());
      } else if (key.backspace || key.delete) {
        setQuery((q) => q.slice(0, -1));
        setSelected(0);
      } else if (!key.ctrl && !key.meta && input) {
        setQuery((q) => q + input);
        setSelected(0);
      }
      return;
    }
    const command = drillCommandFor(input, key, keyContext);
    if (!command) return;
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
        setFreeOffset(0);
        return;
      case 'page':
        setFreeOffset((o) => {
          const next = o + command.delta * freeRows;
          return next < 0 || next >= layerSteps.length ? o : next;
        });
        return;
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
    }
  });

  const scroll: ScrollItem[] = [{ kind: 'briefing' }, ...settled.map((step) => ({ kind: 'step' as const, step, index: state.steps.indexOf(step) }))];
  const verdictOf = (step: StepView) => {
    const p = step.kind === 'check' ? tracker.predictionFor(step.step) : undefined;
    return p ? (
      <Box paddingLeft={10}>
        <PredictionVerdict prediction={p} />
      </Box>
    ) : null;
  };

  return (
    <>
      <Static items={scroll}>
        {(item) =>
          item.kind === 'briefing' ? (
            <Box key="briefing" flexDirection="column">
              <Briefing page={header.page} kubeconfigPath={header.kubeconfigPath} auto={false} width={columns} />
              <Text {...tone('muted')}>
                {free
                  ? 'Free drill: pick the checks yourself, layer by layer; d when you know the root cause. h shows a hint (−50 each).'
                  : 'Guided drill: before each check runs, predict what it will find. h shows a hint (−50 each). At the end, name the root cause.'}
              </Text>
            </Box>
          ) : (
            <Box key={`${item.index}:${item.step.step}`} flexDirection="column">
              <FinishedStep step={item.step} />
              {verdictOf(item.step)}
            </Box>
          )
        }
      </Static>
      <Box flexDirection="column" width={columns}>
        <Header runbookTitle={header.runbookTitle} target={header.target} mode="drill" startedAt={startedAt} running={!state.end && !outcome} auto={false} />
        <LayerRail current={state.currentLayer} verdicts={state.layers} />
        <Box flexDirection="column" marginTop={1}>
          {outcome ? (
            <Debrief debrief={outcome.debrief} width={columns} />
          ) : screen === 'pick' ? (
            <DiagnosisPicker choices={diagnoses} query={query} selected={selected} wrong={wrong} />
          ) : state.end ? (
            <Text>drill ended ({state.end.reason}); transcript: {header.transcriptPath}</Text>
          ) : (
            <>
              {latest ? (
                <Box flexDirection="column">
                  {latest.kind === 'action' ? <ActionStep step={latest} width={columns} /> : <CurrentStep step={latest} expanded={false} awaitingContinue={false} width={columns} />}
                  {verdictOf(latest)}
                </Box>
              ) : null}
              {active ? (
                <Box marginTop={latest ? 1 : 0} flexDirection="column">
                  {active.kind === 'action' ? <ActionStep step={active} width={columns} /> : <CurrentStep step={active} expanded={false} awaitingContinue={false} width={columns} />}
                  {needsPrediction ? <Predict check={tracker.checkFor(active.step) ?? active.title} choices={choices} /> : verdictOf(active)}
                </Box>
              ) : null}
              {screen === 'choose' ? (
                <Box marginTop={latest ? 1 : 0}>
                  <FreeChooser layers={freeLayers} current={layerIndex} ran={new Set(state.steps.map((st) => st.step))} offset={freeOffset} rows={freeRows} />
                </Box>
              ) : null}
              {!latest && !active && !free ? <Text>Starting…</Text> : null}
            </>
          )}
        </Box>
        {outcome ? null : (
          <Box marginTop={1}>
            <Hints hints={tracker.hintsUsed} total={tracker.hintsUsed.length + tracker.hintsLeft} />
          </Box>
        )}
        <Box marginTop={1}>
          <Text wrap="truncate-end">
            {drillHints(keyContext).map((h, i) => (
              <Text key={h.keys}>
                {i > 0 ? <Text {...tone('muted')}> · </Text> : null}
                <Text {...tone('accent')}>{h.keys}</Text> {h.label}
              </Text>
            ))}
          </Text>
        </Box>
      </Box>
    </>
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
