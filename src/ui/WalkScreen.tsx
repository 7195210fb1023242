import { useCallback, useEffect, useRef, useState } from 'react';
import type React from 'react';
import { Box, Static, Text, useInput, useWindowSize } from 'ink';
import type { Key } from 'ink';
import type { WalkSession } from './walkSession.js';
import { ActionStep } from './ActionStep.js';
import type { AppProps } from './appProps.js';
import { Briefing } from './Briefing.js';
import { CurrentStep } from './CurrentStep.js';
import { DiagnosisView } from './DiagnosisView.js';
import { catalogNote } from '../engine/textLog.js';
import { Paragraph } from './Paragraph.js';
import { FinishedStep } from './FinishedStep.js';
import { Footer } from './Footer.js';
import { Header } from './Header.js';
import type { KeyCommand, KeyContext } from './keys.js';
import { commandFor, helpFor } from './keys.js';
import { LayerRail } from './LayerRail.js';
import { eachKeyPress } from './list/keyPresses.js';
import { SelectList } from './list/SelectList.js';
import { useTone } from './ThemeProvider.js';
import { useLineEditor } from './useLineEditor.js';
import { useSessionEvents } from './useSessionEvents.js';
import { Clip } from './walk/Clip.js';
import { HelpOverlay } from './walk/HelpOverlay.js';
import { Pager } from './walk/Pager.js';
import type { PagerDoc } from './walk/pagerLines.js';
import { diagnosisDoc, endDoc, stepDoc } from './walk/pagerLines.js';
import type { HistoryEntry } from './walk/StepHistory.js';
import { historyItems } from './walk/StepHistory.js';
import type { PagerTarget } from './walk/useBrowse.js';
import { useBrowse } from './walk/useBrowse.js';
import { WalkEnd } from './WalkEnd.js';
import type { StepView, WalkState } from './walkReducer.js';
import { isFinished, splitSteps } from './walkReducer.js';

/** Rows of the frame: always one less than the terminal, so Ink erases each frame in place and none reaches the scrollback. */
export function frameRows(terminalRows: number): number {
  return Math.max(8, terminalRows - 1);
}

/** How the frame's rows are shared: header and rail, the history, the current step, the footer. */
export function walkLayout(
  terminalRows: number,
  opts: { history: number; selected: boolean; filterLine: boolean; noteLine: boolean; ended?: boolean },
) {
  const frame = frameRows(terminalRows);
  const body = Math.max(3, frame - 3 - 1 - (opts.noteLine ? 1 : 0));
  // Browsing, or once the walk is over, the history takes half the rows; while walking, the current step keeps most.
  const cap = opts.selected || opts.ended ? Math.floor(body / 2) : Math.min(8, Math.max(1, Math.floor(body / 3)));
  const history = Math.min(opts.history, cap);
  const filter = opts.filterLine ? 1 : 0;
  // A blank line between the history and the current step, where the rows allow it.
  const gap = history + filter > 0 && body >= 16 ? 1 : 0;
  return { frame, body, history, filter, gap, current: Math.max(1, body - history - filter - gap) };
}

/** Finished steps for the history: all but the newest while walking (it is shown in full below), all once the walk is over. */
export function historyOf(state: WalkState): HistoryEntry[] {
  const finished = state.steps.map((step, index) => ({ step, index })).filter((e) => isFinished(e.step));
  return state.end ? finished : finished.slice(0, -1);
}

/** A replay's clock counts from 0: the time within the recording. */
const replayEpoch = new Date(0);

/** Owns the walk: subscribes, starts the session once, maps keys to session calls, lays out the screen. */
export function WalkScreen({ session, header, startedAt, onExit, replay }: Omit<AppProps, 'color'>): React.JSX.Element {
  const tone = useTone();
  const state = useSessionEvents(session);
  useStartOnce(session);
  const [auto, setAuto] = useState(session.isAuto);
  // Writing a note: its text is the shared line editor's (⏎ saves, esc drops); the ref answers within a burst of keys.
  const [noting, setNotingState] = useState(false);
  const notingRef = useRef(false);
  const setNoting = (value: boolean) => {
    notingRef.current = value;
    setNotingState(value);
  };
  const noteEditor = useLineEditor({
    isActive: noting,
    onSubmit: (text) => {
      if (text.trim()) session.note(text);
      setNoting(false);
    },
    onCancel: () => setNoting(false),
  });
  const note = noting ? noteEditor.text : null;
  const { columns, rows } = useWindowSize();
  // A replay's pause and speed live in the replay: redraw after changing them.
  const [, redraw] = useState(0);

  const exited = useRef(false);
  const exit = useCallback(() => {
    if (exited.current) return;
    exited.current = true;
    onExit();
  }, [onExit]);

  const { latest, active } = splitSteps(state);
  const history = historyOf(state);
  const browse = useBrowse(history, Math.max(1, Math.floor(rows / 3)));
  // Manual node access: the output is pasted (and edited) here; nothing typed acts as a command once a paste has begun.
  const hostEditor = useLineEditor({
    isActive: !!active?.hostPrompt && note === null && browse.view === 'main' && !replay,
    multiline: true,
    onSubmit: (text) => session.pasteHostOutput(text),
    onCancel: () => session.declineHostCommand(),
    onIdleKey: (input, key) => onKey(input, key, true),
  });
  // A `paste:` input the walk asks for: typed or pasted here, ⏎ sends it (empty: none given); every key is text.
  const askingInput = !!active?.inputPrompt && note === null && browse.view === 'main' && !replay;
  const inputEditor = useLineEditor({
    isActive: askingInput,
    onSubmit: (text) => session.pasteInput?.(text),
    onCancel: () => session.pasteInput?.(''),
  });
  const layout = walkLayout(rows, {
    history: browse.shown.length,
    selected: browse.list.selected !== null,
    filterLine: browse.typing || browse.query !== '',
    noteLine: note !== null,
    ended: !!state.end,
  });

  const finishedSteps = state.steps.filter(isFinished);
  const fallback: PagerTarget | null = state.end
    ? { kind: 'doc', name: state.diagnosis ? 'diagnosis' : 'end' }
    : latest
      ? { kind: 'step', index: state.steps.lastIndexOf(latest) }
      : finishedSteps.length > 0
        ? { kind: 'step', index: state.steps.lastIndexOf(finishedSteps.at(-1)!) }
        : null;
  const doc = (t: PagerTarget): PagerDoc | null => {
    if (t.kind === 'doc') {
      if (state.diagnosis)
        return diagnosisDoc(state.diagnosis, header.transcriptPath, columns, state.end?.catalogError);
      return state.end ? endDoc(state.end, header.transcriptPath, columns) : null;
    }
    const step = state.steps[t.index];
    return step ? stepDoc(step, columns) : null;
  };

  const waitingOn: KeyContext['waitingOn'] = active?.hostPrompt
    ? 'host'
    : active?.kind === 'action'
      ? active.action?.allowed && !active.action.decision
        ? 'action'
        : null
      : active?.status === 'asking'
        ? 'ask'
        : active?.status === 'waiting' && !auto
          ? 'check'
          : null;
  const contextNow = (): KeyContext => ({
    screen: state.end ? 'end' : 'walk',
    view: browse.viewNow(),
    waitingOn,
    choices: active?.question?.choices.length ?? 0,
    auto,
    history: history.length,
    selected: browse.selectedNow(),
    openable: fallback !== null || history.length > 0,
    filtered: browse.query !== '',
    noting: notingRef.current,
    filtering: browse.typingNow(),
    pasting: hostEditor.editing,
    pastingInput: askingInput,
    ...(replay ? { replay: { paused: replay.paused, speed: replay.speed } } : {}),
  });
  const keyContext = contextNow();

  const run = (command: KeyCommand) => {
    if (browse.handle(command, { fallback, doc, pagerRows: layout.body })) return;
    switch (command.type) {
      case 'quit':
        session.stop('quit');
        exit();
        return;
      case 'interrupt':
        session.stop('interrupted');
        exit();
        return;
      case 'continue':
        session.proceed();
        return;
      case 'toggle-auto':
        session.setAuto(!session.isAuto);
        setAuto(session.isAuto);
        return;
      case 'answer': {
        const choice = active?.question?.choices[command.index];
        if (choice) session.answer(choice.id);
        return;
      }
      case 'note':
        setNoting(true);
        return;
      case 'confirm-action':
        session.confirmAction?.();
        return;
      case 'decline-action':
        session.declineAction?.();
        return;
      case 'replay-pause':
        replay?.togglePause();
        redraw((v) => v + 1);
        return;
      case 'replay-step':
        replay?.step(command.delta);
        redraw((v) => v + 1);
        return;
      case 'replay-speed':
        replay?.scaleSpeed(command.factor);
        redraw((v) => v + 1);
        return;
      default:
        return;
    }
  };

  const onKey = (input: string, key: Key, idleAtHostPrompt = false) => {
    if (key.ctrl && input === 'c') {
      run({ type: 'interrupt' });
      return;
    }
    // A note being written: its editor takes the keys.
    if (notingRef.current) return;
    // Manual node access: the editor takes every key; the ones it hands back (nothing pasted yet) are commands.
    if (active?.hostPrompt && browse.viewNow() === 'main' && !replay && !idleAtHostPrompt) return;
    if (active?.inputPrompt && browse.viewNow() === 'main' && !replay) return;
    eachKeyPress(input, key, (i, k) => {
      if (exited.current || notingRef.current || browse.typeFilter(i, k)) return;
      const command = commandFor(i, k, contextNow());
      if (command) run(command);
    });
  };
  useInput((input, key) => onKey(input, key));

  const selectedIndex = browse.list.selected === null ? null : (browse.shown[browse.list.selected]?.index ?? null);
  const settled = state.steps.filter(
    (s, i) => isFinished(s) && (state.end || i !== state.steps.lastIndexOf(latest as StepView)),
  );

  return (
    <>
      {/* Finished steps only, two lines each: the scrollback keeps a clean record, never a frame. */}
      <Static items={settled.map((step) => ({ step, index: state.steps.indexOf(step) }))}>
        {(item) => <FinishedStep key={`${item.index}:${item.step.step}`} step={item.step} />}
      </Static>
      <Box flexDirection="column" width={columns} height={layout.frame} overflow="hidden">
        <Header
          runbookTitle={header.runbookTitle}
          target={header.target}
          mode={header.mode}
          startedAt={replay ? replayEpoch : startedAt}
          running={!state.end && !replay?.paused}
          auto={auto}
          {...(replay
            ? { now: () => replay.elapsed(), modeLabel: `${replay.paused ? 'paused' : 'playing'} at ${replay.speed}×` }
            : {})}
        />
        <LayerRail current={state.currentLayer} verdicts={state.layers} />
        {browse.view === 'pager' && browse.target && doc(browse.target) ? (
          <Pager doc={doc(browse.target)!} offset={browse.offset} rows={layout.body} />
        ) : browse.view === 'help' ? (
          <HelpOverlay hints={helpFor(keyContext)} rows={layout.body} />
        ) : (
          <Box flexDirection="column" height={layout.body} flexShrink={0}>
            {layout.filter ? (
              <Text wrap="truncate-end">
                <Text {...tone('muted')}>filter: </Text>
                {browse.query}
                {browse.typing ? <Text inverse> </Text> : null}
                <Text {...tone('muted')}>
                  {' '}
                  ({browse.shown.length} of {history.length} steps)
                </Text>
              </Text>
            ) : null}
            {layout.history > 0 ? (
              <SelectList
                items={historyItems(browse.shown)}
                selected={browse.list.selected}
                rows={layout.history}
                follow="end"
              />
            ) : null}
            {layout.gap ? <Text> </Text> : null}
            {state.end ? (
              <EndView state={state} transcriptPath={header.transcriptPath} rows={layout.current} width={columns} />
            ) : (
              <Clip rows={layout.current} keep="bottom">
                {selectedIndex === null && history.length === 0 && !(latest && active) ? (
                  <Briefing page={header.page} kubeconfigPath={header.kubeconfigPath} auto={auto} width={columns} />
                ) : null}
                {latest?.kind === 'action' ? (
                  <ActionStep step={latest} width={columns} />
                ) : latest ? (
                  <CurrentStep step={latest} expanded={false} awaitingContinue={false} width={columns} />
                ) : null}
                {active ? (
                  <Box marginTop={latest ? 1 : 0}>
                    {active.kind === 'action' && !active.hostPrompt ? (
                      <ActionStep step={active} width={columns} />
                    ) : (
                      <CurrentStep
                        step={active}
                        expanded={false}
                        awaitingContinue={!auto && !replay}
                        width={columns}
                        pasted={active.inputPrompt ? inputEditor.text : hostEditor.text}
                      />
                    )}
                  </Box>
                ) : null}
                {!latest && !active ? <Text>Starting…</Text> : null}
              </Clip>
            )}
          </Box>
        )}
        {note !== null ? (
          <Text wrap="truncate-start">
            note: {note}
            <Text inverse> </Text>
          </Text>
        ) : null}
        <Footer context={keyContext} />
      </Box>
    </>
  );
}

/** The end of the walk in the rows left: the diagnosis from its top, and how to read the rest when it is cut. */
function EndView({
  state,
  transcriptPath,
  rows,
  width,
}: {
  state: WalkState;
  transcriptPath: string;
  rows: number;
  width: number;
}): React.JSX.Element {
  const tone = useTone();
  const [cut, setCut] = useState(0);
  return (
    <Box flexDirection="column">
      <Clip rows={cut > 0 ? rows - 1 : rows} keep="top" onOverflow={(n) => n !== cut && setCut(n)}>
        {state.diagnosis ? (
          <>
            {state.end?.catalogError ? (
              <Paragraph {...tone('error')} text={catalogNote(state.end.catalogError)} width={width} />
            ) : null}
            <DiagnosisView diagnosis={state.diagnosis} transcriptPath={transcriptPath} width={width} />
          </>
        ) : state.end ? (
          <WalkEnd end={state.end} transcriptPath={transcriptPath} />
        ) : null}
      </Clip>
      {cut > 0 ? (
        <Text {...tone('muted')} wrap="truncate-end">
          … {cut} more line{cut === 1 ? '' : 's'}: e reads it all
        </Text>
      ) : null}
    </Box>
  );
}

/** The CLI hands over a session not yet started; start it once, after useSessionEvents subscribed. */
function useStartOnce(session: WalkSession): void {
  const started = useRef<WalkSession | null>(null);
  useEffect(() => {
    if (started.current === session) return;
    started.current = session;
    // In a task of its own: the screen's first frame and the walk's first step are each one short task.
    setImmediate(() => session.start());
  }, [session]);
}
