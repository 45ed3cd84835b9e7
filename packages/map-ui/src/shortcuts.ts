/**
 * Keyboard shortcuts of the planning map. Single keys without Ctrl/Cmd/Alt, so none clashes
 * with the browser (Ctrl+Z, Ctrl+S, Ctrl+P… stay the browser's) or with screen readers'
 * modifier-based commands; ignored while typing in a form field.
 */

/** What a shortcut does. */
export type ShortcutAction =
  | 'tool-select'
  | 'tool-paint'
  | 'brush-smaller'
  | 'brush-larger'
  | 'undo'
  | 'redo'
  | 'lock-toggle'
  | 'rebalance'
  | 'next-problem'
  | 'mode-beat'
  | 'mode-workload'
  | 'mode-need'
  | 'overlay-toggle'
  | 'heat-toggle'
  | 'swipe-toggle'
  | 'escape'
  | 'help';

/** The table shown in the help and in the buttons' titles: key label → action and description. */
export const SHORTCUTS: ReadonlyArray<{ key: string; action: ShortcutAction; label: string }> = [
  { key: 'V', action: 'tool-select', label: 'Select tool (click a beat for its card)' },
  { key: 'B', action: 'tool-paint', label: 'Paint tool (paint cells into the selected beat)' },
  { key: '[', action: 'brush-smaller', label: 'Smaller brush' },
  { key: ']', action: 'brush-larger', label: 'Larger brush' },
  { key: 'Z', action: 'undo', label: 'Undo' },
  { key: 'Shift+Z', action: 'redo', label: 'Redo' },
  { key: 'L', action: 'lock-toggle', label: 'Lock / unlock the selected beat' },
  { key: 'R', action: 'rebalance', label: 'Re-balance the unlocked beats' },
  { key: 'N', action: 'next-problem', label: 'Zoom to the next non-contiguous or out-of-band beat' },
  { key: '1', action: 'mode-beat', label: 'Colour by beat' },
  { key: '2', action: 'mode-workload', label: 'Colour by workload' },
  { key: '3', action: 'mode-need', label: 'Colour by engagement need' },
  { key: 'O', action: 'overlay-toggle', label: 'Show / hide the current beats overlay' },
  { key: 'I', action: 'heat-toggle', label: 'Show / hide the incidents heat layer' },
  { key: 'W', action: 'swipe-toggle', label: 'Open / close the swipe comparison with the plan under “Compare with”' },
  { key: 'Esc', action: 'escape', label: 'Cancel the stroke / clear the selection' },
  { key: '?', action: 'help', label: 'Show the shortcuts' },
];

/** The parts of a `KeyboardEvent` a shortcut depends on. */
export interface KeyInput {
  key: string;
  shiftKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** Tag name of the event target (`INPUT`, `SELECT`, `TEXTAREA`…) */
  targetTag?: string;
  /** The target is `contenteditable`. */
  editable?: boolean;
}

/**
 * The action of a key press, or null when it is not a shortcut (modifier held, or typing in a
 * field — where Escape still works).
 * @example shortcutAction({ key: 'z', shiftKey: true }) // 'redo'
 */
export function shortcutAction(e: KeyInput): ShortcutAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  const typing = e.editable || ['INPUT', 'SELECT', 'TEXTAREA'].includes((e.targetTag ?? '').toUpperCase());
  if (e.key === 'Escape') return 'escape';
  if (typing) return null;
  switch (e.key) {
    case 'v':
    case 'V':
      return 'tool-select';
    case 'b':
    case 'B':
      return 'tool-paint';
    case '[':
      return 'brush-smaller';
    case ']':
      return 'brush-larger';
    case 'z':
      return e.shiftKey ? 'redo' : 'undo';
    case 'Z':
      return 'redo';
    case 'l':
    case 'L':
      return 'lock-toggle';
    case 'r':
    case 'R':
      return 'rebalance';
    case 'n':
    case 'N':
      return 'next-problem';
    case '1':
      return 'mode-beat';
    case '2':
      return 'mode-workload';
    case '3':
      return 'mode-need';
    case 'o':
    case 'O':
      return 'overlay-toggle';
    case 'i':
    case 'I':
      return 'heat-toggle';
    case 'w':
    case 'W':
      return 'swipe-toggle';
    case '?':
      return 'help';
    default:
      return null;
  }
}
