import { describe, expect, it } from 'vitest'
import { pathWords, searchWords, splitIdentifier } from './identifiers'

describe('splitIdentifier', () => {
  it('splits camelCase, PascalCase, acronyms, snake_case and digits', () => {
    expect(splitIdentifier('parseHttpHeader')).toEqual(['parse', 'http', 'header'])
    expect(splitIdentifier('HTTPServer2Config')).toEqual(['http', 'server', '2', 'config'])
    expect(splitIdentifier('MAX_RETRY_COUNT')).toEqual(['max', 'retry', 'count'])
    expect(splitIdentifier('$scope')).toEqual(['scope'])
    expect(splitIdentifier('x')).toEqual(['x'])
  })
})

describe('searchWords', () => {
  it('keeps the original token (joined) and adds its parts', () => {
    expect(searchWords('const h = parseHttpHeader(raw_input)').split(' ')).toEqual([
      'const',
      'h',
      'parsehttpheader',
      'parse',
      'http',
      'header',
      'rawinput',
      'raw',
      'input',
    ])
  })
  it('drops absurdly long tokens (hashes, base64)', () => {
    expect(searchWords(`a ${'q'.repeat(100)} b`)).toBe('a b')
  })
})

describe('pathWords', () => {
  it('splits folders and the file stem', () => {
    expect(pathWords('src/net/httpClient.ts')).toBe('src net httpclient http client')
  })
})
