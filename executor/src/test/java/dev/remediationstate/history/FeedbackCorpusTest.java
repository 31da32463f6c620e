package dev.remediationstate.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FeedbackCorpusTest {
  @Test
  void committedFixtureIsWhatTheGeneratorProduces() {
    List<String> fixture = FeedbackCorpus.fixture();
    assertEquals(FeedbackCorpus.COUNT, fixture.size());
    assertEquals(FeedbackCorpus.generate(FeedbackCorpus.SEED, FeedbackCorpus.COUNT), fixture);
  }

  @Test
  void fixtureSeedsEverySecret() {
    String all = String.join("\n", FeedbackCorpus.fixture());
    for (String secret : FeedbackCorpus.SECRETS) {
      assertTrue(all.contains(secret), "the fixture should leak " + secret);
    }
  }
}
