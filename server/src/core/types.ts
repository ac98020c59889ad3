/**
 * The transcript syntax tree: a unist tree with exact positions.
 *
 * Offsets are indices into the JavaScript string (UTF-16 code units), so
 * columns are UTF-16 columns — what LSP uses by default.
 */
import type { Node, Parent, Point, Position } from 'unist';

export type Role = 'therapist' | 'patient' | 'other';

export type { Point, Position };

export interface Root extends Parent {
  type: 'root';
  children: Array<Header | Turn>;
  position: Position;
  /**
   * Supervisor comments before the first turn (`%% …` lines). Kept out of
   * `children`, so no rule, word count or tag walk ever sees them.
   */
  comments?: Comment[];
}

/**
 * A supervisor comment: a line whose first non-blank characters are `%%`.
 * It is not speech: it never belongs to a turn's text, ends a paragraph, and
 * `transcript-lint --strip-comments` removes the line.
 */
export interface Comment extends Node {
  type: 'comment';
  /** The text after `%%`, trimmed. */
  value: string;
  /** From the `%%` to the end of the comment's text. */
  position: Position;
}

/** Everything before the first turn: titles, summaries, notes. */
export interface Header extends Parent {
  type: 'header';
  children: HeaderLine[];
  position: Position;
}

/** One non-blank header line, classified for the outline and highlighting. */
export interface HeaderLine extends Node {
  type: 'heading' | 'listItem' | 'headerText';
  value: string;
  position: Position;
}

export interface Turn extends Parent {
  type: 'turn';
  /** The label as written, without the colon (`Therapist`, `Dr. Lee`, `T`). */
  speaker: string;
  role: Role;
  /**
   * `true` when the label is a configured or default speaker; `false` when it
   * was recognised only as a label-like line (a recurring name, or a near miss
   * of a known label such as `Therapsit`).
   */
  known: boolean;
  /** For unknown labels: the configured label it most resembles, if any. */
  nearest?: string;
  /** 0-based index of the turn in the session. */
  index: number;
  children: Array<Label | Tag | Paragraph>;
  position: Position;
  /**
   * Supervisor comments from the label line to the next turn, in order. Not
   * children and not inside the turn's position: a turn's text and range are
   * those without them.
   */
  comments?: Comment[];
}

export interface Label extends Node {
  type: 'label';
  value: string;
  position: Position;
}

/** `[namespace:id]` right after a label or at the start of a paragraph. */
export interface Tag extends Node {
  type: 'tag';
  namespace: string;
  id: string;
  position: Position;
}

export interface Paragraph extends Parent {
  type: 'paragraph';
  children: Array<Tag | Text>;
  position: Position;
}

export interface Text extends Node {
  type: 'text';
  value: string;
  position: Position;
}

export type TranscriptNode = Root | Header | HeaderLine | Turn | Label | Tag | Paragraph | Text | Comment;
