/**
 * Every remaining disagreement with kube-linter's and kube-score's fixtures, with the reason we differ on
 * purpose (key: `<their check>: <case id>` as linter-agreement.ts names it). test/validate/linter-fixtures.test.ts
 * fails when a disagreement appears or disappears without this table following.
 */
export const LINTER_EXPLAINED: Record<string, string> = {};
