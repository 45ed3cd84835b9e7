import { describe, expect, it } from 'vitest';
import { fileNameOf, parseSse } from './api-client.js';
import { communityHoursPerShift, officersPerShift } from './exports.js';
import { SHORTCUTS, shortcutAction } from './shortcuts.js';

describe('parseSse', () => {
  it('splits complete events and keeps the rest', () => {
    const { events, rest } = parseSse('id: 1\nevent: progress\ndata: {"a":1}\n\n: keep-alive\n\nevent: done\ndata: {}\n\nevent: pro');
    expect(events).toEqual([
      { event: 'progress', data: '{"a":1}', id: '1' },
      { event: 'done', data: '{}' },
    ]);
    expect(rest).toBe('event: pro');
  });
  it('joins multi-line data and handles CRLF', () => {
    expect(parseSse('data: a\r\ndata: b\r\n\r\n').events).toEqual([{ event: 'message', data: 'a\nb' }]);
  });
});

describe('fileNameOf', () => {
  it('reads Content-Disposition', () => {
    expect(fileNameOf('attachment; filename="plan-1-beats.geojson"', 'x')).toBe('plan-1-beats.geojson');
    expect(fileNameOf(null, 'x')).toBe('x');
  });
});

describe('shortcuts', () => {
  it('maps single keys and leaves browser combos and typing alone', () => {
    expect(shortcutAction({ key: 'b' })).toBe('tool-paint');
    expect(shortcutAction({ key: 'z' })).toBe('undo');
    expect(shortcutAction({ key: 'Z', shiftKey: true })).toBe('redo');
    expect(shortcutAction({ key: 'z', ctrlKey: true })).toBeNull();
    expect(shortcutAction({ key: 'r', metaKey: true })).toBeNull();
    expect(shortcutAction({ key: 'b', targetTag: 'INPUT' })).toBeNull();
    expect(shortcutAction({ key: 'Escape', targetTag: 'INPUT' })).toBe('escape');
    expect(shortcutAction({ key: 'ArrowLeft' })).toBeNull();
    expect(shortcutAction({ key: 'i' })).toBe('heat-toggle');
    expect(shortcutAction({ key: 'W' })).toBe('swipe-toggle');
    expect(shortcutAction({ key: 'w', ctrlKey: true })).toBeNull(); // the browser's close-tab
  });
  it('documents every action once', () => {
    const actions = SHORTCUTS.map((s) => s.action);
    expect(new Set(actions).size).toBe(actions.length);
  });
});

// the assignments CSV itself is the API's (engine beatShiftAssignmentsCsv, tested in packages/engine/src/csv-format.test.ts)
describe('staffing figures per shift', () => {
  const s = {
    beats: [
      {
        id: '0111',
        district: '1',
        shifts: [
          { shift: '0-8', workloadHours: 1, required: 2, allocated: 2, saturation: 0.5, officers: ['P1', 'P2'] },
          { shift: '8-16', workloadHours: 1, required: 1, allocated: 0, saturation: null, officers: [] },
        ],
      },
    ],
  };
  it('reads officers and community hours per shift of one beat', () => {
    expect(officersPerShift(s, '0111')).toEqual({ '0-8': 2, '8-16': 0 });
    expect(officersPerShift(null, '0111')).toBeNull();
    expect(communityHoursPerShift(s, '0111')).toBeNull(); // no community hours in this staffing
    const withCommunity = {
      beats: [
        {
          id: 'X',
          district: null,
          shifts: [{ shift: '0-8', workloadHours: 1, required: 1, allocated: 1, saturation: 0.5, communityHours: 2.5, officers: [] }],
        },
      ],
    };
    expect(communityHoursPerShift(withCommunity, 'X')).toEqual({ '0-8': 2.5 });
  });
});
