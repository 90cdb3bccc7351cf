import fs from 'node:fs';
import path from 'node:path';

/** The customer's integration guide (docs/learnflow-api-guide.md, a copy of the one the customer gave us): the requirements. */
export const GUIDE_PATH = path.resolve(__dirname, '../../docs/learnflow-api-guide.md');

export interface GuideExample {
  /** The heading the example sits under, for test names. */
  title: string;
  method: string;
  /** The path after /api/v1, with the guide's own ids (`order-001`, `invalid-course-id`). */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  /** The JSON body sent with -d, parsed. */
  body?: unknown;
  /** The status of the guide's `**Response (NNN)**` after the curl, if it states one. */
  status?: number;
  /** The response JSON block after that status, when it is valid JSON (some are abridged with `...`). */
  response?: unknown;
}

/**
 * Splits a shell snippet into commands of words, the way a shell would for what the guide uses: single and
 * double quotes, backslash-newline continuations, `#` comments. A -d body spans lines inside its quotes,
 * so the snippet cannot be read line by line.
 */
export function shellCommands(script: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word: string | undefined;
  const endWord = (): void => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  const endCommand = (): void => {
    endWord();
    if (words.length > 0) commands.push(words);
    words = [];
  };
  for (let i = 0; i < script.length; i++) {
    const ch = script[i] as string;
    if (ch === "'") {
      const close = script.indexOf("'", i + 1);
      if (close < 0) throw new Error(`Unclosed ' in: ${script}`);
      word = (word ?? '') + script.slice(i + 1, close);
      i = close;
    } else if (ch === '"') {
      let text = '';
      for (i++; i < script.length && script[i] !== '"'; i++) {
        if (script[i] === '\\' && i + 1 < script.length && '"\\$`'.includes(script[i + 1] as string)) i++;
        text += script[i];
      }
      word = (word ?? '') + text;
    } else if (ch === '\\' && script[i + 1] === '\n') {
      endWord();
      i++;
    } else if (ch === '\\' && i + 1 < script.length) {
      word = (word ?? '') + script[++i];
    } else if (ch === '#' && word === undefined) {
      while (i + 1 < script.length && script[i + 1] !== '\n') i++;
    } else if (ch === '\n' || ch === ';') {
      endCommand();
    } else if (ch === ' ' || ch === '\t') {
      endWord();
    } else {
      word = (word ?? '') + ch;
    }
  }
  endCommand();
  return commands;
}

const API_BASE = '/api/v1';

/** Reads one curl command as curl would: -X, else POST when there is a -d body, else GET. */
function parseCurl(words: string[], title: string): GuideExample {
  let method: string | undefined;
  let url: string | undefined;
  let data: string | undefined;
  const headers: Record<string, string> = {};
  for (let i = 1; i < words.length; i++) {
    const w = words[i] as string;
    if (w === '-X' || w === '--request') method = words[++i];
    else if (w === '-H' || w === '--header') {
      const header = words[++i] as string;
      const colon = header.indexOf(':');
      headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
    } else if (w === '-d' || w === '--data' || w === '--data-raw') data = words[++i];
    else if (/^https?:\/\//.test(w)) url = w;
    else throw new Error(`Unexpected curl argument ${w} under "${title}"`);
  }
  if (!url) throw new Error(`curl without URL under "${title}"`);
  const parsed = new URL(url);
  if (!parsed.pathname.startsWith(API_BASE)) throw new Error(`curl outside ${API_BASE} under "${title}": ${url}`);
  return {
    title,
    method: (method ?? (data !== undefined ? 'POST' : 'GET')).toUpperCase(),
    path: parsed.pathname.slice(API_BASE.length),
    query: parsed.searchParams,
    headers,
    body: data === undefined ? undefined : (JSON.parse(data) as unknown),
  };
}

/**
 * Every curl example of the guide with the status the guide states after it (`**Response (201)**`) and,
 * when it is plain JSON, the response block that follows.
 */
export function guideExamples(markdown = fs.readFileSync(GUIDE_PATH, 'utf8')): GuideExample[] {
  const fence = /```(\w*)\n([\s\S]*?)```/g;
  const blocks = [...markdown.matchAll(fence)].map((m) => ({
    lang: m[1],
    text: m[2] as string,
    start: m.index as number,
    end: (m.index as number) + m[0].length,
  }));
  const curls = blocks.filter((b) => b.lang === 'bash' && /^\s*curl\b/m.test(b.text));
  return curls.flatMap((block) => {
    // Several curls of one section may share the section's response ("Full Response (200)").
    const nextHeading = /^#{1,3} /m.exec(markdown.slice(block.end));
    const between = markdown.slice(block.end, nextHeading ? block.end + nextHeading.index : markdown.length);
    const headings = [...markdown.slice(0, block.start).matchAll(/^#{2,4} (.+)$/gm)];
    const title = headings.at(-1)?.[1]?.trim() ?? '(no heading)';
    const statusMatch = /\*\*(?:[A-Za-z ]+ )?Response \((\d{3})\)/.exec(between);
    const status = statusMatch ? Number(statusMatch[1]) : undefined;
    let response: unknown;
    if (statusMatch) {
      const json = /```json\n([\s\S]*?)```/.exec(between.slice(statusMatch.index));
      try {
        response = json ? JSON.parse(json[1] as string) : undefined;
      } catch {
        response = undefined; // abridged with `...` in the guide
      }
    }
    return shellCommands(block.text)
      .filter((words) => words[0] === 'curl')
      .map((words) => ({ ...parseCurl(words, title), status, response }));
  });
}
