package dev.remediationstate.results;

import java.io.IOException;

/** Where an action's results go: files for Tekton and Argo, and the JSON line on stdout. */
@FunctionalInterface
public interface ResultSink {
  void write(Results results) throws IOException;
}
