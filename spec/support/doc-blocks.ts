/** A fenced code block of a Markdown file. */
export interface DocBlock {
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The fence's language (`ts`, `js`, `sh` …), '' when none. */
  readonly lang: string;
  /** `runs`, `fragment` or undefined: the `<!-- runs -->` / `<!-- fragment -->` comment just above the fence. */
  readonly mark: 'runs' | 'fragment' | undefined;
  readonly code: string;
}

/**
 * The fenced code blocks of a Markdown text, with the mark of each: a block meant to run as a whole program is
 * preceded by `<!-- runs -->` (the docs spec runs it), one that is only a fragment of a program by
 * `<!-- fragment -->`. The marks are HTML comments, invisible on GitHub.
 */
export function docBlocks(file: string, text: string): DocBlock[] {
  const lines = text.split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)/.exec(lines[i]!);
    if (!open) continue;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
    let above = i - 1;
    while (above >= 0 && lines[above]!.trim() === '') above--;
    const comment = /^<!--\s*(runs|fragment)\b.*-->\s*$/.exec(lines[above] ?? '');
    blocks.push({
      file,
      line: i + 1,
      lang: open[1]!,
      mark: comment?.[1] as DocBlock['mark'],
      code: lines.slice(i + 1, end).join('\n'),
    });
    i = end;
  }
  return blocks;
}
