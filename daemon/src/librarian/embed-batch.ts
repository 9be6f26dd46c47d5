/**
 * One batch of sections sent to the embedding model, so that a section the model refuses (longer
 * than a local model's context: many take 512 tokens, and 1,600 Japanese characters can be more
 * than 2,000) costs that section, not the batch or the rest of the vault.
 *
 * A call refused because of its input (`inputRefusal`) is halved, and each half tried again, until
 * the refused texts are alone; each of those is tried once more cut to the first half of its
 * characters, then to the first quarter — a chunk starts with the note's title, its heading path
 * and the section's first paragraph, which say most of what the section is about — and is
 * refused for good if the model still will not take it. Any other failure (a wrong key, a rate
 * limit, a server down) leaves as it came, whatever was embedded of the batch is dropped with it.
 *
 * A refusal is only believed to be about its text when something else could be embedded: by this
 * batch, or — for a provider that said "too long" — by the model before. A model refusing
 * everything (a model removed from the server under a message that does not say so) is the
 * settings' problem: its error is thrown, as soon as a second text is refused with nothing
 * embedded, so that a batch of 64 is not taken apart call by call.
 */
import { inputRefusal, type EmbeddingModel, type InputRefusal } from '../ai/embedding';
import { AiError } from '../ai/errors';

export interface BatchResult {
  /** One per text: its vector, or undefined when the model refused it even shortened. */
  vectors: Array<Float32Array | undefined>;
  /** The characters a text was embedded with when it had to be shortened. */
  shortenedTo: Array<number | undefined>;
  /** The provider's last refusal of each text it never took. */
  refusals: Array<AiError | undefined>;
}

/** Whether the model has embedded anything (stored vectors, or a call of this run): set by each call that succeeds. */
export interface ModelRecord {
  works: boolean;
}

/** A refused text is tried again as its first 1/2, then its first 1/4. */
const SHORTER = [2, 4] as const;

/** The first `1/share` of the text's characters (whole code points: an emoji is not cut in two). */
export function shortened(text: string, share: number): string {
  const chars = Array.from(text);
  return chars
    .slice(0, Math.ceil(chars.length / share))
    .join('')
    .trimEnd();
}

/** `onTokens`: each call's tokens as it succeeds (counted even when a later call of the batch fails). */
export async function embedBatch(model: EmbeddingModel, texts: string[], o: { signal: AbortSignal; model: ModelRecord; onTokens: (tokens: number) => void }): Promise<BatchResult> {
  const result: BatchResult = { vectors: texts.map(() => undefined), shortenedTo: texts.map(() => undefined), refusals: texts.map(() => undefined) };
  const reasons: Array<InputRefusal | undefined> = texts.map(() => undefined);
  let embedded = false;
  let untrusted: AiError | undefined;

  const call = async (list: string[]): Promise<Float32Array[]> => {
    const r = await model.embed({ texts: list, purpose: 'document', signal: o.signal });
    o.onTokens(r.tokens);
    embedded = o.model.works = true;
    return r.vectors;
  };
  /** The refusal, or the error thrown on when it is not about the texts. */
  const refusal = (e: unknown): { error: AiError; why: InputRefusal } => {
    const why = e instanceof AiError ? inputRefusal(e, o.model.works) : undefined;
    if (!why) throw e;
    return { error: e as AiError, why };
  };
  const believed = (why: InputRefusal) => embedded || (why === 'too_long' && o.model.works);

  const alone = async (i: number, refused: { error: AiError; why: InputRefusal }): Promise<void> => {
    let last = refused;
    for (const share of SHORTER) {
      const text = shortened(texts[i]!, share);
      try {
        [result.vectors[i]] = await call([text]);
        result.shortenedTo[i] = text.length;
        return;
      } catch (e) {
        last = refusal(e);
      }
    }
    result.refusals[i] = last.error;
    reasons[i] = last.why;
    if (believed(last.why)) return;
    if (untrusted) throw untrusted;
    untrusted = last.error;
  };

  const attempt = async (indexes: number[]): Promise<void> => {
    let refused: { error: AiError; why: InputRefusal };
    try {
      const vectors = await call(indexes.map((i) => texts[i]!));
      indexes.forEach((i, k) => (result.vectors[i] = vectors[k]));
      return;
    } catch (e) {
      refused = refusal(e);
    }
    if (indexes.length === 1) return alone(indexes[0]!, refused);
    const half = Math.ceil(indexes.length / 2);
    await attempt(indexes.slice(0, half));
    await attempt(indexes.slice(half));
  };

  await attempt(texts.map((_, i) => i));
  // A text refused before anything of the batch was embedded is believed once something was.
  for (const [i, why] of reasons.entries()) if (why && !believed(why)) throw result.refusals[i]!;
  return result;
}
