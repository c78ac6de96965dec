/** The safe Python-literal parser used for the Amazon meta dump. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePythonLiteral, PythonLiteralError } from '../../src/data';

test('parses the literals of the 2014 meta dump', () => {
  assert.deepEqual(
    parsePythonLiteral(
      "{'asin': '0000031852', 'title': \"Girls' Ballet Tutu\", 'price': 3.17, " +
        "'salesRank': {'Toys & Games': 211836}, 'categories': [['Sports & Outdoors', " +
        "'Other Sports', 'Dance']]}",
    ),
    {
      asin: '0000031852',
      title: "Girls' Ballet Tutu",
      price: 3.17,
      salesRank: { 'Toys & Games': 211836 },
      categories: [['Sports & Outdoors', 'Other Sports', 'Dance']],
    },
  );
  assert.deepEqual(parsePythonLiteral('[1, -2, 3.5e2, .5, (True, False, None), (), {}, []]'), [
    1,
    -2,
    350,
    0.5,
    [true, false, null],
    [],
    {},
    [],
  ]);
  assert.equal(parsePythonLiteral("'it\\'s \\\\ \\n \\x41\\u00e9'"), "it's \\ \n Aé");
  assert.equal(parsePythonLiteral("u'caf\\xe9'"), 'café');
  assert.deepEqual(parsePythonLiteral("{'a': [1, 2,], }"), { a: [1, 2] });
  assert.equal(parsePythonLiteral("'unknown \\q escape'"), 'unknown \\q escape');
});

test('rejects everything that is not a literal, with the column', () => {
  const cases: [string, RegExp][] = [
    ["{'a': 1", /column 8: expected ',' or '}' in a dict, found end of line/],
    ["__import__('os')", /column 1: expected a Python literal/],
    ["{'a': 1} extra", /column 10: expected end of line after the literal/],
    ["'open", /expected a closing '/],
    ["{'a': 1 + 2}", /column 9: expected ',' or '}'/],
    ['[1j]', /complex literals are not supported/],
    ['{[1]: 2}', /expected a string or number dict key/],
  ];
  for (const [text, pattern] of cases) {
    assert.throws(
      () => parsePythonLiteral(text),
      (err: Error) => err instanceof PythonLiteralError && pattern.test(err.message),
      text,
    );
  }
});
