package dev.remediationstate.results;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * Prints the results as one JSON object line on stdout; Argo keeps it as {@code outputs.result}.
 */
public final class StdoutJson implements ResultSink {
  private final PrintWriter out;

  public StdoutJson(PrintWriter out) {
    this.out = out;
  }

  @Override
  public void write(Results results) throws IOException {
    out.println(new ObjectMapper().writeValueAsString(results.asMap()));
    out.flush();
  }
}
