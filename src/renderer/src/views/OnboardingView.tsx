import { useEffect, useId, useRef, useState, type ReactElement, type ReactNode } from 'react';
import type { AgentRun } from '../../../shared/model';
import { BoardConnectionDialog } from '../components/BoardConnectionDialog';
import { Dialog } from '../components/Dialog';
import { OnboardingModelForm } from '../components/OnboardingModelForm';
import { useConnectionsStore } from '../state/connections-store';
import { useOnboardingStore, type FirstTask, type OnboardingStep } from '../state/onboarding-store';
import { useViewStore } from '../state/view-store';

const STEPS: { step: OnboardingStep; label: string }[] = [
  { step: 1, label: 'Board' },
  { step: 2, label: 'Model' },
  { step: 3, label: 'See it work' },
];

function Progress({ step }: { step: OnboardingStep }): ReactElement {
  return (
    <ol className="onboarding-progress" aria-label="Setup steps">
      {STEPS.map((s) => (
        <li
          key={s.step}
          className={s.step === step ? 'is-current' : s.step < step ? 'is-done' : undefined}
          aria-current={s.step === step ? 'step' : undefined}
        >
          <span className="onboarding-progress-number" aria-hidden="true">
            {s.step < step ? '✓' : s.step}
          </span>
          <span>
            <span className="visually-hidden">Step {s.step}: </span>
            {s.label}
            {s.step < step ? <span className="visually-hidden"> (done)</span> : null}
          </span>
        </li>
      ))}
    </ol>
  );
}

/** The step's title; focused when the step opens (see OnboardingView), so keyboard and screen reader users start there. */
function StepTitle({ children }: { children: ReactNode }): ReactElement {
  return (
    <h2 className="onboarding-step-title" tabIndex={-1}>
      {children}
    </h2>
  );
}

function Footer({
  onSkip,
  onBack,
  children,
  busy,
}: {
  onSkip(): void;
  onBack?: () => void;
  children: ReactNode;
  busy: boolean;
}): ReactElement {
  return (
    <div className="onboarding-foot">
      <button type="button" className="onboarding-skip" onClick={onSkip} disabled={busy}>
        Skip setup
      </button>
      <div className="onboarding-foot-actions">
        {onBack ? (
          <button type="button" className="button button-secondary" onClick={onBack} disabled={busy}>
            Back
          </button>
        ) : null}
        {children}
      </div>
    </div>
  );
}

function BoardStep({ onSkip }: { onSkip(): void }): ReactElement {
  const info = useOnboardingStore((s) => s.info);
  const busy = useOnboardingStore((s) => s.busy);
  const chooseBoard = useOnboardingStore((s) => s.chooseBoard);
  const refreshInfo = useOnboardingStore((s) => s.refreshInfo);
  const confirmMove = useOnboardingStore((s) => s.confirmMove);
  const cancelMove = useOnboardingStore((s) => s.cancelMove);
  const loadConnections = useConnectionsStore((s) => s.load);
  const resetForm = useConnectionsStore((s) => s.resetForm);
  const [selected, setSelected] = useState(info?.agent?.boardId ?? 'local');
  const [connecting, setConnecting] = useState(false);
  const name = useId();
  const boards = (info?.boards ?? []).filter((b) => !b.error);

  // The connection dialog has its own form, so it sits beside this one: a form inside a form would submit both.
  return (
    <>
      <form
        className="onboarding-form"
        onSubmit={(e) => {
          e.preventDefault();
          void chooseBoard(selected);
        }}
      >
        <StepTitle>Where should the agent pick up tasks?</StepTitle>
        <p className="onboarding-lead">
          Deckhand keeps a board in sync with your agents. Start on the built-in local board, or connect one you already
          use. Only cards labelled <span className="mono">needs-ai</span> are picked up.
        </p>
        <fieldset className="onboarding-options">
          <legend className="visually-hidden">Board for the agent</legend>
          {boards.map((b) => (
            <label key={b.id} className={`onboarding-option${selected === b.id ? ' is-selected' : ''}`}>
              <input
                type="radio"
                name={name}
                value={b.id}
                checked={selected === b.id}
                onChange={() => setSelected(b.id)}
              />
              <span className="onboarding-option-text">
                <span className="onboarding-option-label">
                  {b.id === 'local' ? 'Stay on the local board' : b.name}
                  {b.id === 'local' ? <span className="onboarding-tag">Recommended</span> : null}
                </span>
                <span className="onboarding-option-hint">
                  {b.type === 'local'
                    ? 'Built in, stored on this computer, with a few sample cards to try.'
                    : `A ${b.type} board (${b.id}).`}
                </span>
              </span>
            </label>
          ))}
        </fieldset>
        <button
          type="button"
          className="button button-ghost onboarding-connect"
          onClick={() => {
            resetForm();
            void loadConnections();
            setConnecting(true);
          }}
        >
          Connect a board…
        </button>
        <Footer onSkip={onSkip} busy={busy}>
          <button type="submit" className="button button-primary" disabled={busy}>
            Continue
          </button>
        </Footer>
      </form>
      {confirmMove ? (
        <Dialog title="Move the agent to another board?" onClose={cancelMove}>
          <p>
            Agent <span className="mono">{info?.agent?.id}</span> works on <strong>{confirmMove.from}</strong> now.
            Moving it to <strong>{confirmMove.to}</strong> means it stops picking up cards on {confirmMove.from}. To
            work on both, keep it where it is and add another agent in the Agents view.
          </p>
          <div className="dialog-foot">
            <button type="button" className="button button-secondary" onClick={cancelMove}>
              Keep it on {confirmMove.from}
            </button>
            <button
              type="button"
              className="button button-primary"
              disabled={busy}
              onClick={() => void chooseBoard(confirmMove.to, true)}
            >
              Move it to {confirmMove.to}
            </button>
          </div>
        </Dialog>
      ) : null}
      {connecting ? (
        <BoardConnectionDialog
          onSaved={async (draft) => {
            await refreshInfo();
            setSelected(draft.id);
            setConnecting(false);
          }}
          onClose={() => setConnecting(false)}
        />
      ) : null}
    </>
  );
}

function ModelStep({ onSkip }: { onSkip(): void }): ReactElement {
  const info = useOnboardingStore((s) => s.info);
  const busy = useOnboardingStore((s) => s.busy);
  const testing = useOnboardingStore((s) => s.testing);
  const fieldErrors = useOnboardingStore((s) => s.fieldErrors);
  const modelTest = useOnboardingStore((s) => s.modelTest);
  const chooseModel = useOnboardingStore((s) => s.chooseModel);
  const testModel = useOnboardingStore((s) => s.testModel);
  const clear = useOnboardingStore((s) => s.clearModelFeedback);
  const back = useOnboardingStore((s) => s.back);
  return (
    <>
      <StepTitle>Which model should the agent use?</StepTitle>
      <p className="onboarding-lead">
        The offline demo shows how it works without any AI. Connect a model when you are ready; you can change it later.
      </p>
      <OnboardingModelForm
        current={info?.agent?.model ?? null}
        localModels={info?.localModels ?? []}
        busy={busy}
        testing={testing}
        fieldErrors={fieldErrors}
        modelTest={modelTest}
        onTest={(choice) => void testModel(choice)}
        onSubmit={(choice) => void chooseModel(choice)}
        onChange={clear}
        footer={
          <Footer onSkip={onSkip} onBack={back} busy={busy}>
            <button type="submit" className="button button-primary" disabled={busy}>
              {busy ? 'Saving…' : 'Continue'}
            </button>
          </Footer>
        }
      />
    </>
  );
}

type Phase = 'created' | 'claimed' | 'working' | 'review';
const PHASES: { phase: Phase; label: string }[] = [
  { phase: 'created', label: 'A card labelled needs-ai is on the board' },
  { phase: 'claimed', label: 'The agent claims it' },
  { phase: 'working', label: 'The agent works on it' },
  { phase: 'review', label: 'It moves to review, with the agent’s notes' },
];

function reached(first: FirstTask): number {
  const run = first.run;
  if (!run) return first.taskId ? 1 : 0;
  switch (run.state) {
    case 'queued':
    case 'paused':
      return 1;
    case 'claimed':
      return 2;
    case 'running':
    case 'waiting-for-human':
    case 'failed':
      return 3;
    case 'done':
      return 4;
  }
}

function describeRun(first: FirstTask, agentId: string): string {
  const run: AgentRun | null = first.run;
  if (!run) {
    return first.remote
      ? `Waiting for a card labelled needs-ai on ${first.boardId}…`
      : first.taskId
        ? `Created “${first.title}”. Waiting for agent ${agentId}…`
        : 'Creating a first task…';
  }
  switch (run.state) {
    case 'queued':
      return `Agent ${agentId} has the task in its queue.`;
    case 'paused':
      return `Agent ${agentId} is paused; resume it to go on.`;
    case 'claimed':
      return `Agent ${agentId} claimed the task.`;
    case 'running':
      return `Agent ${agentId} is working on the task…`;
    case 'waiting-for-human':
      return `Agent ${agentId} asked a question: ${run.question ?? ''}`;
    case 'failed':
      return `The run failed: ${run.error ?? 'no reason given'}`;
    case 'done': {
      // Say where the task really is: a board without a review column sends it elsewhere (or nowhere).
      const moved = /moved to ([^;(]+)/.exec(run.outcome ?? '');
      return moved
        ? `Done: the task is in ${moved[1]!.trim()} with the agent’s notes.`
        : `Done: ${run.outcome ?? 'the agent finished'}.`;
    }
  }
}

function SeeItWorkStep({ onSkip, onDone }: { onSkip(): void; onDone(): void }): ReactElement {
  const info = useOnboardingStore((s) => s.info);
  const first = useOnboardingStore((s) => s.first);
  const busy = useOnboardingStore((s) => s.busy);
  const error = useOnboardingStore((s) => s.error);
  const start = useOnboardingStore((s) => s.startFirstTask);
  const back = useOnboardingStore((s) => s.back);
  useEffect(() => {
    void start();
  }, [start]);
  const agentId = info?.agent?.id ?? 'agent';
  const board = info?.boards.find((b) => b.id === info.agent?.boardId);
  const level = first ? reached(first) : 0;
  const failed = first?.run?.state === 'failed';
  return (
    <>
      <StepTitle>See it work</StepTitle>
      <p className="onboarding-lead">
        {first?.remote ? (
          <>
            Add the label <span className="mono">needs-ai</span> to a card on {board?.name ?? first.boardId}. Agent{' '}
            {agentId} picks it up and this page follows along.
          </>
        ) : (
          <>
            Deckhand adds a card labelled <span className="mono">needs-ai</span> to {board?.name ?? 'the board'}. Agent{' '}
            {agentId} picks it up{info?.agent ? `, working with ${info.agent.model.label}` : ''}.
          </>
        )}
      </p>
      <ol className="onboarding-phases" aria-label="Progress of the first task">
        {PHASES.map((p, i) => {
          const state = i < level ? 'done' : i === level && !failed ? 'current' : 'pending';
          return (
            <li key={p.phase} className={`is-${state}`} data-testid={`phase-${p.phase}`} data-state={state}>
              <span className="onboarding-phase-mark" aria-hidden="true">
                {state === 'done' ? '✓' : ''}
              </span>
              <span>
                {p.label}
                <span className="visually-hidden">
                  {state === 'done' ? ' (done)' : state === 'current' ? ' (now)' : ''}
                </span>
              </span>
            </li>
          );
        })}
      </ol>
      <p
        className={`onboarding-live${failed ? ' text-bad' : ''}`}
        role="status"
        aria-live="polite"
        data-testid="first-task-status"
      >
        {first ? describeRun(first, agentId) : ''}
      </p>
      <div className="onboarding-notes-slot">
        {first?.notes ? (
          <figure className="onboarding-notes">
            <figcaption className="field-label">Agent notes</figcaption>
            <pre data-testid="first-task-notes" tabIndex={0}>
              {first.notes}
            </pre>
          </figure>
        ) : (
          <p className="onboarding-notes-placeholder text-muted">The agent’s notes appear here.</p>
        )}
      </div>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <Footer onSkip={onSkip} onBack={back} busy={busy}>
        <button type="button" className="button button-primary" disabled={busy} onClick={onDone}>
          Done
        </button>
      </Footer>
    </>
  );
}

/**
 * First-start onboarding: three short, skippable steps. Choose a board (or stay
 * local), choose a model (or the offline demo), and watch the first task go
 * from the board to the agent and back to review.
 */
export function OnboardingView(): ReactElement {
  const step = useOnboardingStore((s) => s.step);
  const error = useOnboardingStore((s) => s.error);
  const finish = useOnboardingStore((s) => s.finish);
  const info = useOnboardingStore((s) => s.info);
  const go = useViewStore((s) => s.go);
  const body = useRef<HTMLElement>(null);
  const opened = useRef(false);
  useEffect(() => {
    // Not on first load (the page starts at the top); on every step change after that.
    if (!opened.current) {
      opened.current = true;
      return;
    }
    body.current?.querySelector<HTMLElement>('.onboarding-step-title')?.focus();
  }, [step]);
  const skip = (): void => {
    void finish('skipped').then((ok) => {
      if (ok) go('activity');
    });
  };
  const done = (): void => {
    void finish('completed').then((ok) => {
      if (ok) go('board', info?.agent?.boardId ?? 'local');
    });
  };
  return (
    <main className="onboarding" aria-labelledby="onboarding-title">
      <div className="onboarding-card">
        <header className="onboarding-head">
          <p className="onboarding-brand" aria-hidden="true">
            Deckhand
          </p>
          <h1 id="onboarding-title" className="onboarding-title">
            Set up Deckhand
          </h1>
          <p className="onboarding-subtitle">Three short steps. Skip any time; you can change everything later.</p>
          <Progress step={step} />
        </header>
        <section className="onboarding-body" ref={body} aria-label={`Step ${step} of 3`}>
          {step === 1 ? <BoardStep onSkip={skip} /> : null}
          {step === 2 ? <ModelStep onSkip={skip} /> : null}
          {step === 3 ? <SeeItWorkStep onSkip={skip} onDone={done} /> : null}
          {error && step !== 3 ? (
            <p className="form-error" role="alert">
              {error}
            </p>
          ) : null}
        </section>
      </div>
    </main>
  );
}
