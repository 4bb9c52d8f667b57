/** A run of words that both texts share, or that only the earlier (`removed`) or the newer (`added`) has. */
export interface DiffPart {
  kind: 'same' | 'removed' | 'added'
  text: string
}

/** Past this many word pairs the texts are shown as wholly replaced: a notice is a paragraph, not a book. */
const MAX_CELLS = 4_000_000

/** Each word with the spaces after it (and any leading spaces alone), so the parts join back into the texts exactly. */
function tokens(text: string): string[] {
  return text.match(/^\s+|\S+\s*/g) ?? []
}

function push(parts: DiffPart[], kind: DiffPart['kind'], text: string): void {
  const last = parts.at(-1)
  if (last?.kind === kind) last.text += text
  else parts.push({ kind, text })
}

/**
 * The word-level difference between two texts (a longest common subsequence of their words). The `same` and `removed` parts spell `before`; the `same` and `added` parts spell `after`.
 * Splitting on white space suits English, Sinhala and Tamil alike: all three write spaces between words.
 */
export function wordDiff(before: string, after: string): DiffPart[] {
  const a = tokens(before)
  const b = tokens(after)
  const parts: DiffPart[] = []
  if (a.length * b.length > MAX_CELLS) {
    if (before) parts.push({ kind: 'removed', text: before })
    if (after) parts.push({ kind: 'added', text: after })
    return parts
  }
  const width = b.length + 1
  // lcs[i * width + j]: the longest common subsequence of a[i..] and b[j..].
  const lcs = new Uint32Array((a.length + 1) * width)
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? (lcs[(i + 1) * width + j + 1] ?? 0) + 1
          : Math.max(lcs[(i + 1) * width + j] ?? 0, lcs[i * width + j + 1] ?? 0)
    }
  }
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      push(parts, 'same', a[i++] ?? '')
      j++
    } else if ((lcs[(i + 1) * width + j] ?? 0) >= (lcs[i * width + j + 1] ?? 0)) {
      push(parts, 'removed', a[i++] ?? '')
    } else {
      push(parts, 'added', b[j++] ?? '')
    }
  }
  while (i < a.length) push(parts, 'removed', a[i++] ?? '')
  while (j < b.length) push(parts, 'added', b[j++] ?? '')
  return parts
}
