package dev.remediationstate.feedback;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediationstate.failure.InvalidInputException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Hostile feedback documents: the parser either accepts one or names the field it refuses. */
class FeedbackInputFuzzTest {
  static final int TRIES = 4_000;

  @Property(tries = TRIES)
  void parsesOrRefusesWithTheNamedField(@ForAll("documents") String json) {
    try {
      FeedbackInput input = FeedbackInput.parse(json);
      assertTrue(input.verdict() != null);
    } catch (InvalidInputException e) {
      assertTrue(e.field().startsWith("feedback"), e.field());
    }
  }

  @Provide
  Arbitrary<String> documents() {
    Arbitrary<String> key =
        Arbitraries.oneOf(
            Arbitraries.of(
                "verdict",
                "severity",
                "issueType",
                "issue_type",
                "description",
                "criteriaNotMet",
                "reproductionSteps",
                "expectedBehavior",
                "actualBehavior",
                "sourceRef",
                "author",
                "iteration",
                "fingerprint"),
            Arbitraries.strings().ofMaxLength(12));
    Arbitrary<String> value =
        Arbitraries.oneOf(
            Arbitraries.of(
                "\"approved\"",
                "\"changes-requested\"",
                "\"high\"",
                "\"bug\"",
                "null",
                "true",
                "-1",
                "0",
                "3",
                "1e309",
                "99999999999999999999",
                "[]",
                "{}",
                "[\"a\",1]",
                "\"\\u0000\"",
                "\"\\ud800\"",
                "[[[[[[[[[[]]]]]]]]]]"),
            Arbitraries.strings().ofMaxLength(40).map(FeedbackInputFuzzTest::quote));
    Arbitrary<String> field = Combinators.combine(key, value).as((k, v) -> quote(k) + ":" + v);
    Arbitrary<String> object =
        field.list().ofMaxSize(8).map(fields -> "{" + String.join(",", fields) + "}");
    Arbitrary<String> mangled =
        Combinators.combine(object, Arbitraries.integers().between(0, 200), Arbitraries.chars())
            .as(
                (doc, at, c) ->
                    at >= doc.length()
                        ? doc + c
                        : doc.substring(0, at) + c + doc.substring(at + 1));
    return Arbitraries.oneOf(object, object, mangled, Arbitraries.strings().ofMaxLength(60));
  }

  private static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
