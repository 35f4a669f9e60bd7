/**
 * Where a result stands apart from the code a search is usually after: tests (and their fixtures,
 * mocks, snapshots, test data) and generated files. They repeat the words of the code they
 * exercise or were made from, often more often than it does, so on words alone they rank above it.
 * These rules are by path and marker only, the same for every project and language.
 */

/** Folders that hold tests or their data, at any depth. */
const TEST_DIR =
  /(^|\/)(__tests__|__mocks__|__snapshots__|__fixtures__|tests?|specs?|testing|testdata|test-?data|fixtures?|mocks?|e2e)\//i
/** File names of tests: foo.test.ts, foo.spec.js, foo_test.go, test_foo.py, foo_test.py, FooTest.java, FooTests.cs, foo_spec.rb. */
const TEST_FILE =
  /(^|\/)([^/]+[._-](test|spec|tests|specs)\.[a-z0-9]+|test_[^/]+\.py|conftest\.py|[A-Z][^/]*Tests?\.(java|kt|cs|scala|groovy|swift)|[^/]+\.snap)$/
/** Files that are made, not written: minified, source maps, lock files, protobuf and other generators' output. */
const GENERATED_FILE =
  /(\.min\.(js|css|mjs)|\.map|\.pb\.go|_pb2(_grpc)?\.pyi?|\.pb\.(cc|h)|\.g\.dart|\.generated\.[a-z]+|\.designer\.cs|(^|\/)(package-lock\.json|yarn\.lock|pnpm-lock\.yaml|Cargo\.lock|go\.sum|poetry\.lock))$/i
/** The markers generators write at the top of what they make (Go's standard line, @generated, …). */
const GENERATED_MARKER =
  /^\s*(\/\/|#|\/\*+|\*|<!--)?\s*(Code generated .*DO NOT EDIT|@generated\b|(This file is )?auto-?generated\b)/im

export type ResultKind = 'code' | 'test' | 'generated'

export function resultKind(path: string, text?: string): ResultKind {
  if (GENERATED_FILE.test(path)) return 'generated'
  if (TEST_DIR.test(path) || TEST_FILE.test(path)) return 'test'
  // Only the first lines can carry a generator's marker: a chunk that starts the file.
  if (text !== undefined && GENERATED_MARKER.test(text.slice(0, 600))) return 'generated'
  return 'code'
}

/** Query words that ask for tests themselves ("tests for retry", "retry spec", "mock of the client"). */
const ASKS_FOR_TESTS = new Set([
  'test',
  'tests',
  'testing',
  'spec',
  'specs',
  'fixture',
  'fixtures',
  'mock',
  'mocks',
  'e2e',
  'unittest',
  'testdata',
])

export function asksForTests(words: readonly string[]): boolean {
  return words.some((w) => ASKS_FOR_TESTS.has(w.toLowerCase()))
}

/**
 * How much a result's score counts, by kind: a test ranks below the code it exercises unless the
 * query asks for tests, and then the code ranks below the tests. Generated files always rank low.
 * A third: a test or fixture full of the code's words can score twice what the code does (a
 * vector's cosine more so), and should still come after it; a test three times as good as any
 * code still shows first.
 */
const DEMOTED = 1 / 3

export function demotion(kind: ResultKind, wantsTests: boolean): number {
  if (kind === 'generated') return DEMOTED
  if (kind === 'test') return wantsTests ? 1 : DEMOTED
  return wantsTests ? DEMOTED : 1
}
