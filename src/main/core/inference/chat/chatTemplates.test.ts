import { describe, expect, it } from 'vitest'
import { renderChat, StopFilter, templateForModel } from './chatTemplates'

describe('chat templates', () => {
  it('are chosen from the model name, ChatML when unknown', () => {
    expect(templateForModel('Qwen2.5-Coder-7B-Instruct')).toBe('chatml')
    expect(templateForModel('meta-llama/Llama-3.1-8B-Instruct')).toBe('llama3')
    expect(templateForModel('google/gemma-2-9b-it')).toBe('gemma')
    expect(templateForModel('Codestral-22B')).toBe('mistral')
    expect(templateForModel('my-ensemble')).toBe('chatml')
  })

  it('mistral folds the system text into the first instruction and closes each answer', () => {
    const r = renderChat('mistral', [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'a?' },
      { role: 'assistant', content: 'A.' },
      { role: 'user', content: 'b?' },
    ])
    expect(r.text).toBe('[INST] Be brief.\n\na? [/INST] A.</s>[INST] b? [/INST]')
  })
})

describe('StopFilter', () => {
  it('ends at a stop string split over chunks, and holds back only what may start one', () => {
    const f = new StopFilter(['<|im_end|>'])
    expect(f.push('Hello <')).toBe('Hello ')
    expect(f.push('b>')).toBe('<b>')
    expect(f.push(' x<|im')).toBe(' x')
    expect(f.push('_end|> more')).toBe('')
    expect(f.stopped).toBe(true)
    expect(f.push('after')).toBe('')
  })

  it('gives back what it held when the stream ends without a stop', () => {
    const f = new StopFilter(['</s>'])
    expect(f.push('a </')).toBe('a ')
    expect(f.flush()).toBe('</')
  })
})
