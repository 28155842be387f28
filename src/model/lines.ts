/** Line numbers of offsets in a text, for messages that name `file:line`. */

/** How many line breaks `text` holds before offset `end`. */
export function countNewlines(text: string, end: number): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/**
 * The line of each offset asked for, in increasing order, counting the text's line breaks once in
 * all rather than from the start each time. `firstLine` is the line of offset 0.
 */
export function lineCounter(text: string, firstLine = 1): (offset: number) => number {
  let countedTo = 0;
  let countedLine = firstLine;
  return (offset) => {
    for (let i = text.indexOf('\n', countedTo); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) countedLine++;
    countedTo = offset;
    return countedLine;
  };
}

/** Offset of the first carriage return not followed by a line feed (the old Mac OS line end), or -1. */
export function firstBareCarriageReturn(text: string): number {
  for (let i = text.indexOf('\r'); i !== -1; i = text.indexOf('\r', i + 1)) {
    if (text.charCodeAt(i + 1) !== 10) return i;
  }
  return -1;
}
