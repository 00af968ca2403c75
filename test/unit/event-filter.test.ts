import { describe, expect, it } from 'vitest';
import { matchesFilter } from '../../lambdas/core/events/event-filter';

const data = {
  projectId: 'proj_A',
  count: 1,
  verified: true,
  metadata: { country: 'US', documentType: 'passport', nested: { level: { deep: { leaf: 'x' } } } },
  tags: ['a', 'b'],
  documents: [{ type: 'passport' }],
  nothing: null,
  empty: '',
};

describe('Function: matchesFilter', () => {
  it('passes every event when the webhook has no filter', () => {
    expect(matchesFilter(undefined, data)).toBe(true);
    expect(matchesFilter(undefined, {})).toBe(true);
  });

  it('matches a top-level path when its value is one of the listed values', () => {
    expect(matchesFilter({ projectId: ['proj_A'] }, data)).toBe(true);
    expect(matchesFilter({ projectId: ['proj_B', 'proj_A'] }, data)).toBe(true);
    expect(matchesFilter({ projectId: ['proj_B', 'proj_C'] }, data)).toBe(false);
  });

  it('follows dotted paths into nested objects, up to five segments', () => {
    expect(matchesFilter({ 'metadata.country': ['US'] }, data)).toBe(true);
    expect(matchesFilter({ 'metadata.country': ['CA'] }, data)).toBe(false);
    expect(matchesFilter({ 'metadata.nested.level.deep.leaf': ['x'] }, data)).toBe(true);
  });

  it('compares strictly: a string never equals a number or a boolean', () => {
    expect(matchesFilter({ count: ['1'] }, data)).toBe(false);
    expect(matchesFilter({ count: [1] }, data)).toBe(true);
    expect(matchesFilter({ verified: ['true'] }, data)).toBe(false);
    expect(matchesFilter({ verified: [true] }, data)).toBe(true);
    expect(matchesFilter({ verified: [1] }, data)).toBe(false);
    expect(matchesFilter({ empty: [false, 0] }, data)).toBe(false);
    expect(matchesFilter({ empty: [''] }, data)).toBe(true);
    expect(matchesFilter({ projectId: ['PROJ_A'] }, data)).toBe(false);
  });

  it('does not match a missing path, whatever the listed values', () => {
    expect(matchesFilter({ userId: ['user_1'] }, data)).toBe(false);
    expect(matchesFilter({ 'metadata.city': ['Paris'] }, data)).toBe(false);
    expect(matchesFilter({ 'projectId.length': [6] }, data)).toBe(false);
    expect(matchesFilter({ projectId: ['proj_A'] }, {})).toBe(false);
  });

  it('does not walk through arrays or null, nor match an object, array or null value', () => {
    expect(matchesFilter({ 'tags.0': ['a'] }, data)).toBe(false);
    expect(matchesFilter({ 'documents.0.type': ['passport'] }, data)).toBe(false);
    expect(matchesFilter({ 'nothing.x': ['y'] }, data)).toBe(false);
    expect(matchesFilter({ tags: ['a'] }, data)).toBe(false);
    expect(matchesFilter({ metadata: ['[object Object]'] }, data)).toBe(false);
    expect(matchesFilter({ nothing: ['null'] }, data)).toBe(false);
  });

  it("never reads inherited properties such as constructor or a string's length", () => {
    expect(matchesFilter({ constructor: ['function Object() { [native code] }'] }, data)).toBe(false);
    expect(matchesFilter({ 'metadata.toString': ['x'] }, data)).toBe(false);
    const withProtoKey = JSON.parse('{"__proto__": {"projectId": "proj_A"}}');
    expect(matchesFilter({ '__proto__.projectId': ['proj_A'] }, withProtoKey)).toBe(true);
    expect(matchesFilter({ projectId: ['proj_A'] }, withProtoKey)).toBe(false);
  });

  it('requires every path to match when the filter has several', () => {
    expect(matchesFilter({ projectId: ['proj_A'], 'metadata.country': ['US', 'CA'] }, data)).toBe(true);
    expect(matchesFilter({ projectId: ['proj_A'], 'metadata.country': ['CA'] }, data)).toBe(false);
    expect(matchesFilter({ projectId: ['proj_B'], 'metadata.country': ['US'] }, data)).toBe(false);
    expect(matchesFilter({ projectId: ['proj_A'], missing: ['x'] }, data)).toBe(false);
  });

  it('does not match data that is not an object', () => {
    expect(matchesFilter({ projectId: ['proj_A'] }, null)).toBe(false);
    expect(matchesFilter({ projectId: ['proj_A'] }, ['proj_A'])).toBe(false);
    expect(matchesFilter({ length: [7] }, 'proj_A!')).toBe(false);
  });
});
