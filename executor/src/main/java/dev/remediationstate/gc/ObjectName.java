package dev.remediationstate.gc;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a listed ConfigMap is, read from its name: a state {@code task-{id}-state}, an archive page
 * {@code task-{id}-state-archive-{n}} of the state {@code task-{id}-state}, or something else that
 * carries the app labels (left alone).
 */
record ObjectName(Kind kind, String name, String stateName) {
  enum Kind {
    STATE("state"),
    ARCHIVE_PAGE("archive-page"),
    OTHER("other");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  private static final Pattern STATE = Pattern.compile("task-[a-z0-9][-a-z0-9]*-state");
  private static final Pattern PAGE =
      Pattern.compile("(task-[a-z0-9][-a-z0-9]*-state)-archive-\\d+");

  static ObjectName of(String name) {
    if (STATE.matcher(name).matches()) {
      return new ObjectName(Kind.STATE, name, name);
    }
    Matcher page = PAGE.matcher(name);
    if (page.matches()) {
      return new ObjectName(Kind.ARCHIVE_PAGE, name, page.group(1));
    }
    return new ObjectName(Kind.OTHER, name, null);
  }
}
