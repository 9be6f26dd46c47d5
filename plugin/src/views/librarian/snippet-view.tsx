import type { Snippet } from '../../../../shared/contracts/search';
import { snippetParts } from './snippet';

/** The snippet as text nodes and <mark> elements: the daemon's text is never parsed as HTML. */
export function SnippetView({ snippet }: { snippet: Snippet }) {
  return (
    <div class="hisho-result-snippet">
      {snippetParts(snippet).map((part, i) => (part.marked ? <mark key={i}>{part.text}</mark> : part.text))}
    </div>
  );
}
