/** `hearth search --mode literal`'s options, in search's usage (apart, so that printing it loads no search code). */
export const LITERAL_USAGE = [
  '  --mode literal   exact text (or --regex), every matching line; needs no index',
  '    --regex          the query is a JavaScript regular expression',
  '    --case-sensitive match case (default: any case)',
  '    --word           whole words only',
  '    --glob G         only files matching G (repeatable, or comma-separated)',
  '    --exclude G      leave out files matching G (repeatable)',
]
