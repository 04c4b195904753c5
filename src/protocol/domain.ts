// The plan model: what a roadmap and its PRDs say, before anything runs.
// Shared by the core, the CLI, the extension and the webview, so it stays plain data.
import type { BrowserEngine, BrowserStep, Viewport } from './browser-check';

export type TaskState =
  | 'pending'
  | 'running'
  | 'verifying'
  | 'verified'
  | 'failed'
  | 'blocked'
  | 'cancelled';

export type RunState = 'running' | 'paused' | 'completed' | 'failed' | 'cancelled';

export const DEFAULT_PHASES = [
  'requirements',
  'architecture',
  'security-review',
  'implementation',
  'infrastructure',
  'qa',
  'leadership-review',
  'final-verification',
] as const;

export type Provider = 'claude' | 'openai';

/** Where something came from, so errors and the UI can point at it. */
export interface SourceRef {
  readonly file: string;
  readonly line: number;
}

export type VerifyCheck =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'command'; readonly command: string; readonly timeoutSec?: number }
  | {
      readonly kind: 'browser';
      /** An http(s) URL, or a path in the task's worktree opened as a file:// page. */
      readonly url: string;
      readonly expect?: string;
      readonly screenshot?: boolean;
      readonly timeoutSec?: number;
      /** A command Orch starts in the worktree before the check (a dev server) and stops after it. */
      readonly serve?: string;
      /** Else the config's `browsers`. */
      readonly browsers?: readonly BrowserEngine[];
      readonly viewport?: Viewport;
      readonly steps?: readonly BrowserStep[];
    };

export interface Task {
  readonly id: string;
  readonly prdId: string;
  readonly title: string;
  readonly description: string;
  readonly agent?: string;
  readonly phase?: string;
  readonly depends: readonly string[];
  readonly model?: string;
  readonly output?: string;
  /** The most this task may spend over all its attempts (USD); else the config's taskBudgetUsd. */
  readonly budgetUsd?: number;
  readonly verify: readonly VerifyCheck[];
  /** A reviewer agent cross-checks the work after its checks pass; absent: the config and the roadmap decide. */
  readonly review?: boolean;
  readonly source: SourceRef;
  /** The lines of the task's `agent:` and `model:`, so a problem with either is named where it is. */
  readonly fieldLines?: { readonly agent?: number; readonly model?: number };
}

export interface Prd {
  readonly id: string;
  readonly milestoneId: string;
  readonly title: string;
  readonly body: string;
  readonly tasks: readonly Task[];
  readonly source: SourceRef;
}

export interface Milestone {
  readonly id: string;
  readonly phaseId: string;
  readonly title: string;
  readonly duration?: string;
  readonly focus?: string;
  readonly features: readonly string[];
  readonly successMetrics: readonly string[];
  readonly prds: readonly Prd[];
  readonly source: SourceRef;
}

export interface Phase {
  readonly id: string;
  readonly title: string;
  /** A time span the heading gives after its title, e.g. "Weeks 1-4". */
  readonly duration?: string;
  readonly milestones: readonly Milestone[];
  readonly source: SourceRef;
}

/** Something in an input Orch read past without stopping: a person should still see it. */
export interface InputWarning {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export interface Roadmap {
  readonly title: string;
  readonly file: string;
  readonly phases: readonly Phase[];
  /** Headings Orch could not place, phases without milestones...; absent when there are none. */
  readonly warnings?: readonly InputWarning[];
}
