import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loginKey, nameKey, skeleton, supersededKey } from '../../src/store/name-key.js';

/**
 * Lines of UTS #39's confusables.txt (source ; prototype), as code points, so the test says
 * which entry it relies on.
 */
const CONFUSABLES: readonly [source: string, prototype: string, line: string][] = [
  ['\u0430', 'a', '0430 ; 0061 ; MA # CYRILLIC SMALL LETTER A → LATIN SMALL LETTER A'],
  ['\u0455', 's', '0455 ; 0073 ; MA # CYRILLIC SMALL LETTER DZE → LATIN SMALL LETTER S'],
  ['\u0251', 'a', '0251 ; 0061 ; MA # LATIN SMALL LETTER ALPHA → LATIN SMALL LETTER A'],
  ['\u03bf', 'o', '03BF ; 006F ; MA # GREEK SMALL LETTER OMICRON → LATIN SMALL LETTER O'],
  ['m', 'rn', '006D ; 0072 006E ; MA # LATIN SMALL LETTER M → LATIN SMALL LETTER R, LATIN SMALL LETTER N'],
  ['0', 'O', '0030 ; 004F ; MA # DIGIT ZERO → LATIN CAPITAL LETTER O'],
  ['1', 'l', '0031 ; 006C ; MA # DIGIT ONE → LATIN SMALL LETTER L'],
  ['\u2113', 'l', '2113 ; 006C ; MA # SCRIPT SMALL L → LATIN SMALL LETTER L'],
];

describe('name keys (UTS #39 skeleton after NFKC, in any letter case)', () => {
  test('skeleton maps each confusable to its prototype, as confusables.txt says', () => {
    for (const [source, prototype, line] of CONFUSABLES) assert.equal(skeleton(source), prototype, line);
    assert.equal(skeleton('pay\u0440al'), 'paypal', 'U+0440 CYRILLIC SMALL LETTER ER → p');
    assert.equal(skeleton('plain'), 'plain', 'prototypes are left alone');
  });

  test('a name and its look-alikes share one key, whatever the script, form or letter case', () => {
    const alike = [
      ['Alice', 'alice', 'ALICE', '\u0410lice', '\u0430lice', '\uff41\uff4c\uff49\uff43\uff45', '\u0410L\u0406\u0421\u0415'],
      ['martin', 'rnartin', 'Martin', 'RNARTIN'],
      ['bob', 'b0b', 'BOB', 'b\u03bfb'],
      ['jose\u0301', 'jos\u00e9', 'JOS\u00c9'],
    ];
    for (const group of alike) {
      const keys = new Set(group.map(nameKey));
      assert.equal(keys.size, 1, `${group.join(', ')}: ${[...keys].join(' | ')}`);
    }
  });

  test('names that do not look alike keep different keys', () => {
    const distinct = ['alice', 'alicia', 'bob', 'rob', 'marin', 'main', 'x-1', 'x_1', 'ann', 'anne'];
    assert.equal(new Set(distinct.map(nameKey)).size, distinct.length);
  });

  test('the login key folds letter case and compatibility forms, not scripts', () => {
    assert.equal(loginKey('ALICE'), loginKey('\uff41\uff4c\uff49\uff43\uff45'));
    assert.notEqual(loginKey('alice'), loginKey('\u0430lice'));
  });

  test('a superseded key is its holder\'s own, apart from the name\'s key', () => {
    const superseded = supersededKey(nameKey('alice'), 'a:2');
    assert.notEqual(superseded, nameKey('alice'));
    assert.notEqual(superseded, supersededKey(nameKey('alice'), 'a:3'));
  });
});
